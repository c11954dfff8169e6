"""Forms of the reports: a year to look at, and a payout from a common's fund."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2000


def year_choices(*, blank: str | None = None) -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    choices = [(str(y), str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]
    return ([("", blank)] if blank is not None else []) + choices


class YearForm(forms.Form):
    """`?annee=2025`; the page's default year when left empty."""

    annee = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: object, blank: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["annee"].choices = year_choices(blank=blank)  # type: ignore[attr-defined]

    def year(self, default: int | None) -> int | None:
        if self.is_bound and self.is_valid():
            chosen = self.cleaned_data.get("annee")
            return default if chosen is None else int(chosen)
        return default


class CommonPayoutForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount paid out (€)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        localize=True,
    )
    beneficiary = forms.CharField(
        label=_("Paid to"),
        max_length=200,
        help_text=_("The commoner, or the structure that carries the common."),
    )
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
