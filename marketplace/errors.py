"""Domain errors raised by services; views and the API turn them into responses."""


class DomainError(Exception):
    """A rule of the marketplace was broken by the input. Shown to the user as is."""

    status = 422

    def __init__(self, message: str, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors  # several fields at once (each line of a cart); otherwise `field` names the one


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409
