"""The one base class of wenda's own errors: each says what went wrong in words a user can act on."""


class WendaError(RuntimeError):
    """An expected failure (no index, a model not fetched, a busy build …) reported to the user, not a bug."""

    #: The HTTP status of a request that fails with it: 500, a fault of this server (an index built with another
    #: model); a subclass for a service wenda depends on, which may answer a retry, says 503.
    http_status = 500
