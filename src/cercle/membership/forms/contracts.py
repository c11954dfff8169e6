"""Input shapes for adhesion contracts and their menus (no queries, no business rules)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from cercle.membership.enums import ContractStatus, ContributionKind, MenuSection
from cercle.membership.models import AdhesionContract, MenuItem
from cercle.network.enums import ActorType
from cercle.network.models import Organization

MAX_TEXT = 5000

# ---------------------------------------------------------------- menus


class MenuItemEditForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=300)
    help_text = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_free_text = forms.BooleanField(
        label=_("“Other / your proposal” item"),
        required=False,
        help_text=_("The applicant writes their own proposal when they pick this item."),
    )
    contribution_kind = forms.ChoiceField(
        label=_("Kind of contribution"),
        required=False,
        choices=[("", _("— (not a contribution)")), *ContributionKind.choices],
        help_text=_("Required for contributions; leave empty in the other sections."),
    )
    rate_percent = forms.DecimalField(
        label=_("Rate (% of turnover HT)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
    )
    amount_ht = forms.DecimalField(
        label=_("Amount (€ HT)"),
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
    )
    position = forms.IntegerField(label=_("Position"), required=False, min_value=0, max_value=32767)


class MenuItemCreateForm(MenuItemEditForm):
    actor_type = forms.ChoiceField(label=_("Actor type"), choices=ActorType.choices)
    section = forms.ChoiceField(label=_("Section"), choices=MenuSection.choices)

    field_order = ["actor_type", "section", "label"]


class MenuFilterForm(forms.Form):
    actor_type = forms.ChoiceField(label=_("Actor type"), choices=ActorType.choices, required=False)


# ---------------------------------------------------------------- contracts


def figures_of(item: MenuItem) -> str:
    """The rate and amount of a contribution item, as the applicant reads them."""
    parts = []
    if item.rate_percent is not None:
        parts.append(
            _("%(rate)s %% of turnover HT") % {"rate": number_format(item.rate_percent.normalize())}
        )
    if item.amount_ht is not None:
        parts.append(_("%(amount)s € HT") % {"amount": number_format(item.amount_ht, 2)})
    return " · ".join(str(part) for part in parts)


class ContractStartForm(forms.Form):
    """For whom the contract is: oneself (as a citizen or a provider) or an organization."""

    applicant = forms.ChoiceField(label=_("Who is applying?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, organizations: Iterable[Organization] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organizations = {str(org.uuid): org for org in organizations}
        choices: list[tuple[str, Any]] = [
            (f"person:{ActorType.CITOYEN}", _("Myself, as a citizen")),
            (f"person:{ActorType.PRESTATAIRE}", _("Myself, as an independent service provider")),
        ]
        for key, org in self.organizations.items():
            choices.append((f"org:{key}", org.name))
        self.fields["applicant"].choices = choices  # type: ignore[attr-defined]

    def applicant_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of `contract_start` for the chosen applicant."""
        kind, _sep, value = self.cleaned_data["applicant"].partition(":")
        if kind == "org":
            return {"organization": self.organizations[value]}
        return {"actor_type": value}


class ContractChoicesForm(forms.Form):
    """One checkbox an item, a text box for "other" items, and the motivation."""

    motivation = forms.CharField(
        label=_("A word about you and why you join"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args: Any,
        menu: dict[str, list[MenuItem]],
        contract: AdhesionContract | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.menu = menu
        chosen = {c.item_id: c.free_text for c in contract.choices.all()} if contract else {}
        if contract is not None:
            self.fields["motivation"].initial = contract.motivation
        for items in menu.values():
            for item in items:
                key = str(item.uuid)
                self.fields[f"item_{key}"] = forms.BooleanField(
                    label=item.label,
                    required=False,
                    help_text=" · ".join(filter(None, [item.help_text, figures_of(item)])),
                    initial=item.pk in chosen,
                )
                if item.is_free_text:
                    self.fields[f"text_{key}"] = forms.CharField(
                        label=_("Your proposal for “%(label)s”") % {"label": item.label},
                        required=False,
                        max_length=MAX_TEXT,
                        widget=forms.Textarea(attrs={"rows": 2}),
                        initial=chosen.get(item.pk, ""),
                    )

    def sections(self) -> list[tuple[str, str, list[tuple[MenuItem, Any, Any]]]]:
        """(section, label, [(item, checkbox, text box or None)]) for the template."""
        return [
            (
                section,
                str(MenuSection(section).label),
                [
                    (
                        item,
                        self[f"item_{item.uuid}"],
                        self[f"text_{item.uuid}"] if item.is_free_text else None,
                    )
                    for item in items
                ],
            )
            for section, items in self.menu.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for items in self.menu.values():
            for item in items:
                if not item.is_free_text:
                    continue
                picked = data.get(f"item_{item.uuid}")
                text = (data.get(f"text_{item.uuid}") or "").strip()
                if text and not picked:
                    data[f"item_{item.uuid}"] = True  # writing a proposal picks the item
                elif picked and not text:
                    self.add_error(f"text_{item.uuid}", _("Write your proposal for this item."))
        return data

    def chosen(self) -> dict[str, str]:
        """{item uuid: own proposal} as `contract_update` takes it."""
        return {
            str(item.uuid): (self.cleaned_data.get(f"text_{item.uuid}") or "")
            for items in self.menu.values()
            for item in items
            if self.cleaned_data.get(f"item_{item.uuid}")
        }


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refusal"),
        max_length=MAX_TEXT,
        help_text=_("The applicant reads it in the e-mail telling them of the decision."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def queue_status_choices() -> Sequence[tuple[str, Any]]:
    return [
        ("", _("Submitted or in discussion")),
        (ContractStatus.SUBMITTED, ContractStatus.SUBMITTED.label),
        (ContractStatus.IN_DISCUSSION, ContractStatus.IN_DISCUSSION.label),
    ]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=queue_status_choices)
    actor_type = forms.ChoiceField(
        label=_("Actor type"),
        required=False,
        choices=[("", _("All")), *ActorType.choices],
    )
