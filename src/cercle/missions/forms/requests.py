"""Input shape of the request pages. No queries: choices come from the views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cercle.missions.enums import (
    PriceRule,
    RequestScope,
    RequestSource,
    RequestStatus,
    SelectionMode,
)
from cercle.network.forms import TERRITORY_HELP, TerritoryInput

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their kind, size and number."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _deadline_field() -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_("Deadline for offers"),
        help_text=_("Date and time (Paris), in the future."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class RequestForm(forms.Form):
    """The fields every request has; the public form adds a honeypot, the stewards' form
    a source and the client's organization."""

    client_name = forms.CharField(
        label=_("Client organization"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    contact_name = forms.CharField(
        label=_("Contact name"),
        max_length=160,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    title = forms.CharField(label=_("Title of the request"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("The context, what you expect, the people involved."),
    )
    territory = forms.CharField(
        label=_("Territory"), max_length=5, help_text=TERRITORY_HELP, widget=TerritoryInput()
    )
    budget_min_ht = forms.DecimalField(
        label=_("Budget from (€ HT)"), min_value=0, max_digits=12, decimal_places=2
    )
    budget_max_ht = forms.DecimalField(
        label=_("Budget up to (€ HT)"), min_value=0, max_digits=12, decimal_places=2
    )
    offers_deadline = _deadline_field()
    desired_start = forms.DateField(
        label=_("Desired start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    skills = forms.MultipleChoiceField(
        label=_("Required skills"), required=False, widget=forms.CheckboxSelectMultiple
    )
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("Up to 5 files of 10 MB each: PDF, OpenDocument, Office, PNG, JPEG or text."),
    )

    def __init__(self, *args: Any, skills: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skills  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["territory_code"] = data.pop("territory", "")
        data.pop("website", None)
        return data


class PublicRequestForm(RequestForm):
    # A honeypot: people never see it; robots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class StewardRequestForm(RequestForm):
    source = forms.ChoiceField(
        label=_("Source"), choices=RequestSource.choices, initial=RequestSource.DIRECT
    )
    client_organization = forms.ChoiceField(
        label=_("Client organization in the network"),
        required=False,
        help_text=_("Optional: when the client is an organization of the network."),
    )

    def __init__(self, *args: Any, organizations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client_organization"].choices = [("", "—"), *organizations]  # type: ignore[attr-defined]
        self.fields["client_name"].required = False
        self.fields["client_name"].help_text = _(
            "Leave empty to use the name of the organization chosen below."
        )


class QualifyForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Scope"), choices=RequestScope.choices, widget=forms.RadioSelect
    )
    subsidiarity_note = forms.CharField(
        label=_("Subsidiarity note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required for a structuring request: why the association carries it."),
    )
    selection_mode = forms.ChoiceField(
        label=_("Selection mode"), choices=SelectionMode.choices, widget=forms.RadioSelect
    )
    price_rule = forms.ChoiceField(
        label=_("Price-scoring rule"), choices=PriceRule.choices, initial=PriceRule.PROPORTIONAL
    )
    offers_deadline = _deadline_field()


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=120, required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, required=False)
    is_price = forms.BooleanField(label=_("Price criterion"), required=False)


CRITERIA_ROWS = 6


def criterion_formset(data: Any = None, initial: list[dict[str, Any]] | None = None) -> Any:
    """The grid's rows: the existing criteria, then empty rows up to six."""
    rows = list(initial or [])
    rows += [{} for _ in range(max(0, CRITERIA_ROWS - len(rows)))]
    formset_class = forms.formset_factory(
        CriterionForm, extra=0, max_num=20, absolute_max=20, validate_max=True
    )
    return formset_class(data, initial=rows, prefix="criteria")


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DocumentsForm(forms.Form):
    documents = MultipleFileField(
        label=_("Documents to add"),
        help_text=_("Up to 5 files in all, 10 MB each."),
    )


class RequestFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    skill = forms.ChoiceField(label=_("Skill"), required=False)
    department = forms.ChoiceField(label=_("Département"), required=False)

    def __init__(
        self,
        *args: Any,
        skills: list[tuple[str, str]],
        departments: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        statuses = [c for c in RequestStatus.choices if c[0] != RequestStatus.UNCONFIRMED]
        self.fields["status"].choices = [("", _("All")), *statuses]  # type: ignore[attr-defined]
        self.fields["skill"].choices = [("", _("All")), *skills]  # type: ignore[attr-defined]
        self.fields["department"].choices = [("", _("All")), *departments]  # type: ignore[attr-defined]
