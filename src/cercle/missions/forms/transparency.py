"""Input shape of the transparency pages."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConcentrationFilterForm(forms.Form):
    depuis = forms.DateField(
        label=_("Since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Left empty: the last 12 months."),
    )

    def clean_depuis(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("depuis")
        if value is not None and (value > timezone.localdate() or value.year < 2000):
            raise forms.ValidationError(_("Choose a date in the past, after 2000."))
        return value
