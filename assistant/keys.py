"""API keys: which are configured, and whether a presented one is among them (in constant time)."""

from __future__ import annotations

import secrets

from assistant.settings import Settings


def api_keys(settings: Settings) -> set[str]:
    """The keys that may use the API (none: the API is open). Admin keys are API keys too."""
    keys = {key.strip() for key in settings.api_keys.split(",") if key.strip()}
    return keys | admin_keys(settings) if keys else keys


def admin_keys(settings: Settings) -> set[str]:
    """The keys that may change documents (none: see `assistant.documents_api` for who may)."""
    return {key.strip() for key in settings.admin_keys.split(",") if key.strip()}


def key_is_valid(keys: set[str], presented: str) -> bool:
    """Whether `presented` is one of `keys`, compared in constant time."""
    # Bytes, not str: compare_digest refuses non-ASCII text, and a header may carry any.
    token = presented.encode("utf-8", "surrogateescape")
    return any(secrets.compare_digest(token, key.encode()) for key in keys)
