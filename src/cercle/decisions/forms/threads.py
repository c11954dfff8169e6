"""Input shapes for groups, threads and comments (no queries, no rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cercle.decisions.enums import GroupKind, GroupVisibility, MembershipRule
from cercle.decisions.services.threads import MAX_BODY_LENGTH

MARKDOWN_HELP = _(
    "Markdown: **bold**, *italics*, lists, [links](https://…), > quotes. "
    "Write @identifier to mention someone."
)


class ThreadStartForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )
    parent = forms.UUIDField(required=False, widget=forms.HiddenInput)


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)
    membership_rule = forms.ChoiceField(label=_("Who belongs"), choices=MembershipRule.choices)
    visibility = forms.ChoiceField(label=_("Who can read"), choices=GroupVisibility.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )


class GroupMemberAddForm(forms.Form):
    person = forms.SlugField(
        label=_("Person's identifier"),
        max_length=120,
        help_text=_("The identifier at the end of their page's address in the directory."),
    )
    is_admin = forms.BooleanField(label=_("Administrator of the group"), required=False)
