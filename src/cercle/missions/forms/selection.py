"""Input shapes of the selection: the client's choice, evaluators, ties, marks, award."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cercle.missions.enums import TieKind
from cercle.missions.services.selection import mark_field


class ChoiceWithReasonsForm(forms.Form):
    """Pick one offer (by UUID) and say why: the client's choice and the steward's award."""

    offer = forms.ChoiceField(label=_("Chosen offer"), widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Reasons for this choice"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Every bidding team will read them."),
    )

    def __init__(self, *args: Any, offer_choices: Sequence[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["offer"].choices = list(offer_choices)  # type: ignore[attr-defined]


class AppointForm(forms.Form):
    person = forms.ChoiceField(label=_("Member to appoint as evaluator"))

    def __init__(self, *args: Any, person_choices: Sequence[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *person_choices]  # type: ignore[attr-defined]


class TiesForm(forms.Form):
    """One tie kind (and a note) for each bidding team."""

    def __init__(self, *args: Any, teams: Sequence[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.teams = list(teams)
        for team in self.teams:
            self.fields[f"tie_{team.uuid}"] = forms.ChoiceField(
                label=_("Your tie with the team “%(name)s”") % {"name": team.name},
                choices=[("", "—"), *TieKind.choices],
            )
            self.fields[f"note_{team.uuid}"] = forms.CharField(
                label=_("Details of the tie with “%(name)s” (required for a tie)")
                % {"name": team.name},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(t, self[f"tie_{t.uuid}"], self[f"note_{t.uuid}"]) for t in self.teams]

    def ties(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            str(t.uuid): (data.get(f"tie_{t.uuid}") or "", data.get(f"note_{t.uuid}") or "")
            for t in self.teams
        }


class ScoresForm(forms.Form):
    """A 0–10 mark for each non-price criterion of each anonymised offer."""

    def __init__(
        self,
        *args: Any,
        offers: Sequence[dict[str, Any]],
        criteria: Sequence[Any],
        current: dict[tuple[str, int], Decimal] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.offers = list(offers)
        self.criteria = [c for c in criteria if not c.is_price]
        for offer in self.offers:
            for criterion in self.criteria:
                name = mark_field(offer["label"], criterion.position)
                self.fields[name] = forms.DecimalField(
                    label=_("Offer %(label)s – %(criterion)s (0–10)")
                    % {"label": offer["label"], "criterion": criterion.name},
                    required=False,
                    min_value=Decimal("0"),
                    max_value=Decimal("10"),
                    decimal_places=2,
                    max_digits=4,
                    initial=(current or {}).get((offer["label"], criterion.position)),
                )

    def table(self) -> list[tuple[dict[str, Any], list[forms.BoundField]]]:
        return [
            (o, [self[mark_field(o["label"], c.position)] for c in self.criteria])
            for o in self.offers
        ]

    def marks(self) -> dict[tuple[str, int], Decimal]:
        out: dict[tuple[str, int], Decimal] = {}
        for offer in self.offers:
            for criterion in self.criteria:
                value = self.cleaned_data.get(mark_field(offer["label"], criterion.position))
                if value is not None:
                    out[(offer["label"], criterion.position)] = value
        return out
