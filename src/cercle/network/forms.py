"""Input shape of the network's pages. No queries: choices come from the views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from cercle.network.enums import ActorType, Availability, EngagementLevel, OrganizationRole


class TerritoryInput(forms.TextInput):
    """A text input that suggests départements and communes as the person types.

    htmx asks `/territoires/` for `<option>`s and swaps them into a `<datalist>` tied to
    the input, so the browser's own (accessible) suggestion list shows them. With
    `multiple`, the field holds several codes and suggestions complete the last one.
    """

    def __init__(self, attrs: dict[str, Any] | None = None, *, multiple: bool = False):
        super().__init__(attrs)
        self.multiple = multiple

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-options"
        url = reverse("network:territory_search") + ("?multiple=1" if self.multiple else "")
        attrs.update(
            {
                "list": list_id,
                "autocomplete": "off",
                "spellcheck": "false",
                "hx-get": url,
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        field = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', field, list_id)


TERRITORY_HELP = _("Type a name or an INSEE code, then pick a suggestion (e.g. Lille, 59, 2A).")


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    bio = forms.CharField(
        label=_("Presentation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    territory_code = forms.CharField(
        label=_("Territory"),
        required=False,
        max_length=5,
        help_text=TERRITORY_HELP,
        widget=TerritoryInput(),
    )


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    actor_type = forms.ChoiceField(label=_("Actor type"), choices=ActorType.choices)
    territory_code = forms.CharField(
        label=_("Territory"), max_length=5, help_text=TERRITORY_HELP, widget=TerritoryInput()
    )
    siret = forms.CharField(
        label=_("SIRET"),
        required=False,
        max_length=20,
        help_text=_("Optional: the 14 digits of the establishment's SIRET number."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )


class OrganizationFilterForm(forms.Form):
    actor_type = forms.ChoiceField(label=_("Actor type"), required=False)
    department = forms.ChoiceField(label=_("Département"), required=False)

    def __init__(self, *args: Any, departments: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["actor_type"].choices = [("", _("All")), *ActorType.choices]  # type: ignore[attr-defined]
        self.fields["department"].choices = [("", _("All")), *departments]  # type: ignore[attr-defined]


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of their account"),
        help_text=_("The person must already have an account on Cercle."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=OrganizationRole.choices, initial=OrganizationRole.MEMBER
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OrganizationRole.choices)


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Engagement level"), choices=EngagementLevel.choices)


class SkillForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    is_major = forms.BooleanField(
        label=_("Major skill"),
        required=False,
        help_text=_("Keep major skills few: they head the list and the directory's filters."),
    )


class SkillEditForm(SkillForm):
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("An inactive skill can no longer be chosen by consultants."),
    )


class ConsultantProfileForm(forms.Form):
    headline = forms.CharField(
        label=_("Headline"),
        required=False,
        max_length=200,
        help_text=_("One sentence on what you offer."),
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills"), required=False, widget=forms.CheckboxSelectMultiple
    )
    day_rate_min = forms.DecimalField(
        label=_("Minimum day rate (€ excl. VAT)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
    )
    day_rate_max = forms.DecimalField(
        label=_("Maximum day rate (€ excl. VAT)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
    )
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices)
    days_per_month = forms.IntegerField(
        label=_("Days available per month"), required=False, min_value=0, max_value=31
    )
    territory_codes = forms.CharField(
        label=_("Territories served"),
        required=False,
        max_length=2000,
        help_text=_(
            "INSEE codes of départements or communes, separated by commas (e.g. 59, 62, 80021)."
        ),
        widget=TerritoryInput(multiple=True),
    )

    def __init__(self, *args: Any, skill_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices  # type: ignore[attr-defined]


class ReferenceForm(forms.Form):
    client = forms.CharField(label=_("Client"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=1980, max_value=2100)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    is_public = forms.BooleanField(
        label=_("Show in the public directory"),
        required=False,
        help_text=_("Ask your client before making a reference public."),
    )


class TerritorySearchForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), max_length=80, required=False)
