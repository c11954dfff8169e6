"""Input shapes of the commons registry. No queries here."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class CommonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=80, required=False)


class CommonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    url = forms.URLField(label=_("Link"), max_length=200, required=False, assume_scheme="https")
    purpose = forms.CharField(
        label=_("What it is for"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    stewards = forms.CharField(
        label=_("Stewards of the common"),
        max_length=1000,
        required=False,
        help_text=_(
            "The identifiers of the people who look after it, separated by commas (the end of "
            "the address of their page in the directory). Left empty: you."
        ),
    )
    expected_in_kind = forms.CharField(
        label=_("Reciprocity expected in kind"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    expected_in_euros = forms.CharField(
        label=_("Reciprocity expected in euros (€ HT)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    suggested_share_percent = forms.DecimalField(
        label=_("Suggested share of a mission's budget (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        required=False,
    )

    def steward_slugs(self) -> list[str]:
        raw = self.cleaned_data.get("stewards") or ""
        return [s.strip() for s in raw.replace(";", ",").replace("\n", ",").split(",") if s.strip()]
