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
