"""Errors a user can cause: each carries one sentence that says what went wrong."""


class PresslensError(Exception):
    """An error caused by the input or the set-up, not by a bug: shown as one sentence."""


class InputError(PresslensError):
    """An input that cannot be read as an article (empty, binary, too large, malformed)."""

    def __init__(self, message: str, where: str | None = None):
        super().__init__(message)
        self.where = where

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.where}: {message}" if self.where else message


class ModelNotFoundError(PresslensError):
    """No spaCy pipeline of the requested name is installed."""


def error_detail(error: BaseException, limit: int = 120) -> str:
    """Return a short, printable account of an exception for the end of a one-sentence message.

    A parser's message may quote the hostile bytes it choked on: only the first line is
    kept, without control characters, cut to `limit` characters.
    """
    text = (str(getattr(error, "strerror", None) or error).strip().splitlines() or [""])[0]
    text = "".join(c for c in text if c.isprintable())
    if len(text) > limit:
        text = text[:limit].rstrip() + "…"
    return text or type(error).__name__
