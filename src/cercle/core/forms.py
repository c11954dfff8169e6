"""Helpers shared by the forms of every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

T = TypeVar("T")


def call_service(form: forms.BaseForm, service: Callable[..., T], /, **kwargs: Any) -> T | None:
    """Run a service and put its validation errors on the form; None when it refused.

    A service raises Django's `ValidationError`, with field names when the problem is
    about a field; fields the form does not show fall back to the form's own errors.
    """
    try:
        return service(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


def form_status(form: forms.BaseForm) -> int:
    """The house rule for a page with a form: 400 when submitted input was refused."""
    return 400 if form.is_bound and form.errors else 200
