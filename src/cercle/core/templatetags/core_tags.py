from __future__ import annotations

from typing import Any

from django import template
from django.forms import BaseForm as Form
from django.forms import BoundField, CheckboxInput
from django.template.context import Context

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: Context, **kwargs: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        params[key] = value
    return params.urlencode()


@register.simple_tag
def field_widget(field: BoundField) -> str:
    """A field's widget tied to its help text and errors, so screen readers read them.

    Django links the help text (`aria-describedby`) and marks errors (`aria-invalid`)
    but does not link the error messages; `core/_field.html` gives them the id used here.
    """
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_errors")
    attrs: dict[str, str | bool] = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, CheckboxInput)


@register.filter
def fields_first(form: Form, names: str) -> list[BoundField]:
    """The form's visible fields, the comma-separated `names` first and in that order."""
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    visible = form.visible_fields()
    first = [field for name in wanted for field in visible if field.name == name]
    return first + [field for field in visible if field.name not in wanted]
