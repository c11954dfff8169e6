"""Input shape of the event pages. No queries: choices come from the views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cercle.events.enums import EventKind
from cercle.events.selectors import PAST, UPCOMING

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label: Any, required: bool = True, help_text: Any = "") -> Any:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text or _("Date and time (Paris)."),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        help_text=_("Markdown: lists, headings, links."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    starts_at = _datetime_field(_("Starts"))
    ends_at = _datetime_field(_("Ends"))
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("An address; leave empty for an online-only event."),
    )
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("A video-call link, if people can join online."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        help_text=_("Leave empty when places are not limited."),
    )
    registration_closes_at = _datetime_field(
        _("Registration closes"),
        required=False,
        help_text=_("Date and time (Paris). When left empty, registration closes at the start."),
    )
    is_public = forms.BooleanField(
        label=_("Shown to the public"),
        required=False,
        initial=True,
        help_text=_("Unticked: only members of the network see the event."),
    )


class EventCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, told to the people registered"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EventFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[(UPCOMING, _("Upcoming")), (PAST, _("Past"))],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *list(EventKind.choices)]
    )


class AttendanceForm(forms.Form):
    """A checklist of the people registered; the view gives the choices."""

    attended = forms.MultipleChoiceField(
        label=_("Attended"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = choices  # type: ignore[attr-defined]
