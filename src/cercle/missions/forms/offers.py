"""Input shapes for offers. No queries: the commons' choices come from the view."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cercle.core.uploads import KINDS, METHOD_FILE_KINDS

_ACCEPT = ",".join(sorted({ext for k in METHOD_FILE_KINDS for ext in KINDS[k][1]}))


class OfferForm(forms.Form):
    price_ht = forms.DecimalField(
        label=_("Price (€ HT)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        localize=True,
    )
    days = forms.DecimalField(
        label=_("Days of work"),
        min_value=Decimal("0.5"),
        max_digits=6,
        decimal_places=1,
        localize=True,
        help_text=_("Half days allowed (e.g. 12.5)."),
    )
    method = forms.CharField(
        label=_("Method"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_(
            "Evaluators read it without your names: the names of your team's members and "
            "organizations are replaced by “[…]”."
        ),
    )
    references = forms.CharField(
        label=_("References"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )
    method_file = forms.FileField(
        label=_("Method file (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
        help_text=_("PDF, ODT, DOCX or text; seen by your team and the stewards."),
    )
    anonymised_method_file = forms.FileField(
        label=_("Anonymised method file (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
        help_text=_(
            "The version evaluators read: remove every name. Cercle warns you if it finds one."
        ),
    )


class CommonsLineForm(forms.Form):
    common = forms.TypedChoiceField(label=_("Common"), coerce=int, required=False, empty_value=None)
    amount_ht = forms.DecimalField(
        label=_("Budget line (€ HT)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        localize=True,
        required=False,
    )
    purpose = forms.CharField(label=_("What it pays for"), max_length=300, required=False)

    def __init__(self, *args: Any, common_choices: list[tuple[int, str]] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["common"].choices = [("", "—"), *common_choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("common") and data.get("amount_ht") is None:
            self.add_error("amount_ht", _("Enter the amount in € HT."))
        if data.get("common") is None and (
            data.get("amount_ht") is not None or data.get("purpose")
        ):
            self.add_error("common", _("Choose a common of the registry."))
        return data


CommonsLineFormSet = forms.formset_factory(CommonsLineForm, extra=3, max_num=20, validate_max=True)


class AnonymisedFileForm(forms.Form):
    anonymised_method_file = forms.FileField(
        label=_("New anonymised method file"),
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
    )
