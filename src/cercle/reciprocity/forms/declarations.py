"""Input shapes of declarations, payments, refunds, matching and the HelloAsso import.

Amounts are text fields: the services parse them (a French comma is accepted) and
report bad amounts under the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cercle.reciprocity.enums import PaymentKind, PaymentMethod

AMOUNT_ATTRS = {"inputmode": "decimal", "autocomplete": "off"}


def amount_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(attrs=AMOUNT_ATTRS),
    )


class DeclarationForm(forms.Form):
    """The year (when declaring), the amount, a note, and an optional amount per mission
    (one field per eligible mission, `mission_<uuid>`)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount_ht = amount_field(_("Amount you will pay (€ HT)"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        missions: list[tuple[str, str]] = (),  # type: ignore[assignment]
        with_year: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not with_year:
            del self.fields["year"]
        self.mission_fields: list[str] = []
        for uuid, title in missions:
            name = f"mission_{uuid}"
            self.fields[name] = amount_field(
                _("Share for “%(mission)s” (€ HT)") % {"mission": title}, required=False
            )
            self.mission_fields.append(name)

    def lines(self) -> list[dict[str, str]]:
        return [
            {"mission": name.removeprefix("mission_"), "amount_ht": self.cleaned_data[name]}
            for name in self.mission_fields
            if (self.cleaned_data.get(name) or "").strip()
        ]

    def add_error(self, field: str | None, error: Any) -> None:
        # The service reports line problems under `lines`: show them on the form.
        super().add_error(None if field == "lines" else field, error)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PaymentKind.choices)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    paid_on = forms.DateField(
        label=_("Paid on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    gross = amount_field(_("Amount paid (€)"))
    fee = amount_field(
        _("Platform fee (€)"),
        required=False,
        help_text=_("What the payment platform kept; the net received is computed."),
    )
    declaration = forms.ChoiceField(
        label=_("Declaration paid (contribution)"), required=False, choices=[]
    )
    commons_line = forms.ChoiceField(
        label=_("Mission and common (payment into a common's fund)"), required=False, choices=[]
    )
    organization = forms.ChoiceField(label=_("Paying organization"), required=False, choices=[])
    payer_email = forms.EmailField(
        label=_("Payer's e-mail"),
        required=False,
        help_text=_("A member's e-mail links the payment to them."),
    )
    payer_name = forms.CharField(label=_("Payer's name"), required=False, max_length=200)
    external_id = forms.CharField(
        label=_("Reference at the bank or platform"), required=False, max_length=64
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        declarations: list[tuple[str, str]] = (),  # type: ignore[assignment]
        commons_lines: list[tuple[str, str]] = (),  # type: ignore[assignment]
        organizations: list[tuple[str, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        empty = [("", "—")]
        self.fields["declaration"].choices = empty + list(declarations)  # type: ignore[attr-defined]
        self.fields["commons_line"].choices = empty + list(commons_lines)  # type: ignore[attr-defined]
        self.fields["organization"].choices = empty + list(organizations)  # type: ignore[attr-defined]


class RefundForm(forms.Form):
    amount = amount_field(_("Amount refunded (€)"))
    refunded_on = forms.DateField(
        label=_("Refunded on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MatchForm(forms.Form):
    declaration = forms.ChoiceField(label=_("Declaration it pays"), choices=[])

    def __init__(self, *args: Any, declarations: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["declaration"].choices = list(declarations)  # type: ignore[attr-defined]


class HelloAssoImportForm(forms.Form):
    file = forms.FileField(
        label=_("HelloAsso export of payments (CSV)"),
        help_text=_("The “paiements” export, as HelloAsso gives it: semicolons, UTF-8."),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (import nothing)"), required=False, initial=False
    )


class HelloAssoFetchForm(forms.Form):
    since = forms.DateField(
        label=_("Payments since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (import nothing)"), required=False, initial=False
    )


class YearForm(forms.Form):
    annee = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
