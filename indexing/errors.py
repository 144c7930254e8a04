"""The one base class of wenda's own errors: each says what went wrong in words a user can act on."""


class WendaError(RuntimeError):
    """An expected failure (no index, a model not fetched, a busy build …) reported to the user, not a bug."""
