"""The small tree of application errors that views and the API translate to HTTP.

Validation problems use Django's own `ValidationError` (with field names when they are
about a field); the classes below cover the rest.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A refusal a person can understand; `message` is translated."""

    status = 400
    default_message = _("This action cannot be done.")

    def __init__(self, message: str | None = None, *, errors: dict[str, list[str]] | None = None):
        self.message = str(message or self.default_message)
        self.errors = errors or {}
        super().__init__(self.message)


class NotAllowed(ApplicationError, PermissionDenied):
    """The actor may not do this (403; 401 for an anonymous caller of the API)."""

    status = 403
    default_message = _("You are not allowed to do this.")


class NotFound(ApplicationError):
    status = 404
    default_message = _("Not found.")


class Conflict(ApplicationError):
    """The object is not in a state that allows this (409), e.g. a forbidden transition."""

    status = 409
    default_message = _("This action is not possible in the current state.")


class InvalidTransition(Conflict):
    pass
