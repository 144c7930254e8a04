"""API keys: which are configured, and whether a presented one is among them (in constant time)."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Permission:
    """Whether a caller may change documents; when not, the HTTP status (401, 403) and the reason."""

    allowed: bool
    status: int = 200
    reason: str = ""


def is_loopback(host: str | None) -> bool:
    """Whether a client address is this machine."""
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def document_permission(settings: Settings, presented: str | None, client_host: str | None) -> Permission:
    """Who may add, delete and edit documents: with admin keys, only they; else with API keys, any of them;
    with no keys at all, clients on this machine only (as everything else is open to them)."""
    admins, keys = admin_keys(settings), api_keys(settings)
    if admins:
        if presented and key_is_valid(admins, presented):
            return Permission(True)
        if presented and key_is_valid(keys, presented):
            return Permission(False, 403, "only admin keys (WENDA_ADMIN_KEYS) may change documents")
        return Permission(False, 401, "an admin key is required to change documents (Authorization: Bearer …)")
    if keys:
        if presented and key_is_valid(keys, presented):
            return Permission(True)
        return Permission(False, 401, "a valid API key is required (Authorization: Bearer …)")
    if is_loopback(client_host):
        return Permission(True)
    return Permission(False, 403, "documents may be changed from other machines only with admin keys; set "
                                  "WENDA_ADMIN_KEYS on the server")
