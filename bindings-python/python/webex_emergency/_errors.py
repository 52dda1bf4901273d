"""Exception classes. Every failure of the package is a ``WebexError``; ``code`` is the core's
stable error code (the classes are checked against the core's table by the tests)."""
from __future__ import annotations

# typing is imported for type checkers only: at run time it costs more than this package.
_TYPE_CHECKING = False
if _TYPE_CHECKING:
    from typing import Any, Dict, List, Optional


class WebexError(Exception):
    """Base class of every error raised by webex_emergency."""

    code = "error"

    def __init__(self, message: str, *, operation: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.operation = operation

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def __reduce__(self) -> Any:
        # Pickled (multiprocessing, concurrent.futures) and copied with every attribute: the
        # keyword-only ones are not in `args`, so the default would fail to rebuild it.
        return (_rebuilt, (type(self), self.message), self.__dict__)


def _rebuilt(cls: type[WebexError], message: str) -> WebexError:
    """An error of ``cls`` with ``message``, its attributes set afterwards (see ``__reduce__``)."""
    error: WebexError = cls.__new__(cls)
    Exception.__init__(error, message)
    return error


class ConfigError(WebexError, ValueError):
    """The client was configured wrongly (no token, bad base URL, ...)."""

    code = "config"


class ValidationError(WebexError, ValueError):
    """The request broke the API's rules; nothing was sent. ``errors`` lists every broken rule."""

    code = "validation"

    def __init__(self, message: str, *, errors: List[Dict[str, str]], operation: Optional[str] = None) -> None:
        super().__init__(message, operation=operation)
        self.errors = errors

    def fields(self) -> List[str]:
        """The field paths that broke a rule."""
        return [e["field"] for e in self.errors]


class APIError(WebexError):
    """The API answered with an error status."""

    code = "api"

    def __init__(
        self,
        message: str,
        *,
        status: int,
        api_message: str = "",
        errors: Optional[List[Dict[str, Any]]] = None,
        tracking_id: Optional[str] = None,
        retry_after: Optional[float] = None,
        body_excerpt: str = "",
        operation: Optional[str] = None,
    ) -> None:
        super().__init__(message, operation=operation)
        self.status = status
        self.api_message = api_message
        self.errors = errors or []
        self.tracking_id = tracking_id
        self.retry_after = retry_after
        self.body_excerpt = body_excerpt


class AuthenticationError(APIError):
    """401: the token is missing, expired or wrong."""

    code = "authentication"


class PermissionDeniedError(APIError):
    """403: the token lacks a scope or an admin role."""

    code = "permission_denied"


class NotFoundError(APIError):
    """404: unknown ID or orgId."""

    code = "not_found"


class ConflictError(APIError):
    """409: the change conflicts with the current settings."""

    code = "conflict"


class RateLimitError(APIError):
    """429: rate limited; ``retry_after`` is the wait the server asked for, in seconds."""

    code = "rate_limit"


class ServerError(APIError):
    """5xx: the service failed."""

    code = "server"


class TransportError(WebexError):
    """No answer arrived (connection refused or broken, ...)."""

    code = "transport"

    def __init__(self, message: str, *, kind: str = "other", operation: Optional[str] = None) -> None:
        super().__init__(message, operation=operation)
        self.kind = kind


class APITimeoutError(TransportError, TimeoutError):
    """No complete answer within the timeout."""

    code = "timeout"


class AbortError(TransportError):
    """The call was cancelled."""

    code = "aborted"


class DecodeError(WebexError):
    """A success answer whose body could not be read."""

    code = "decode"

    def __init__(
        self,
        message: str,
        *,
        status: int,
        body_excerpt: str = "",
        tracking_id: Optional[str] = None,
        operation: Optional[str] = None,
    ) -> None:
        super().__init__(message, operation=operation)
        self.status = status
        self.body_excerpt = body_excerpt
        self.tracking_id = tracking_id
