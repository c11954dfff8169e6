"""A page that only shows something answers 405 to a POST, with an Allow header.

Every URL pattern of the project's own apps is walked (Django's admin and allauth's
routes handle their methods themselves). A route is either in `ACCEPTS_POST` (it has a
form or an action behind a POST) or is read-only: a POST to it must be refused with 405
before anything else runs, whoever asks and whatever the identifiers in the address name.
A route in `ACCEPTS_POST` must not answer 405, so the list cannot keep a route that
became read-only. A new route fails here until it is classified.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from tests.factories.network import StewardFactory

OWN_NAMESPACES = {
    "commons",
    "core",
    "decisions",
    "events",
    "membership",
    "missions",
    "network",
    "reciprocity",
}

# Routes with a form or an action: GET shows it (when there is a page), POST acts.
ACCEPTS_POST = {
    "commons:create",
    "commons:deactivate",
    "commons:edit",
    "core:my_data",
    "core:notification_preferences",
    "core:notification_read",
    "core:notifications_read_all",
    "core:set_language",
    "core:token_revoke",
    "core:tokens",
    "core:unsubscribe",
    "decisions:comment_add",
    "decisions:comment_delete",
    "decisions:comment_edit",
    "decisions:group_create",
    "decisions:group_edit",
    "decisions:group_member_admin",
    "decisions:group_member_remove",
    "decisions:group_members",
    "decisions:letter_criteria",
    "decisions:letter_criterion_active",
    "decisions:letter_criterion_edit",
    "decisions:letter_criterion_move",
    "decisions:letter_request",
    "decisions:letter_review",
    "decisions:letter_reviewer",
    "decisions:letter_withdraw",
    "decisions:proposal_close",
    "decisions:proposal_create",
    "decisions:proposal_extend",
    "decisions:proposal_outcome",
    "decisions:proposal_stand_aside",
    "decisions:proposal_vote",
    "decisions:thread_close",
    "decisions:thread_reopen",
    "decisions:thread_start",
    "events:attendance",
    "events:calendar",
    "events:cancel",
    "events:create",
    "events:edit",
    "events:register",
    "events:unregister",
    "membership:adhesion_home",
    "membership:charter_publish",
    "membership:charter_sign",
    "membership:check_evidence",
    "membership:check_review",
    "membership:circle_join",
    "membership:circle_leave",
    "membership:contract_amend",
    "membership:contract_comment",
    "membership:contract_detail",
    "membership:contract_refuse",
    "membership:contract_validate",
    "membership:engagement_year_open",
    "membership:menu_item_active",
    "membership:menu_item_edit",
    "membership:menu_item_move",
    "membership:menu_list",
    "membership:regulation_decide",
    "membership:regulation_hear",
    "membership:regulation_raise",
    "missions:award",
    "missions:client_choice",
    "missions:client_link_send",
    "missions:evaluation_submit",
    "missions:evaluator_appoint",
    "missions:mission_close",
    "missions:mission_deliver",
    "missions:mission_document",
    "missions:mission_start",
    "missions:mission_survey",
    "missions:mission_update",
    "missions:offer_replace_file",
    "missions:offer_submit",
    "missions:offer_withdraw",
    "missions:positioning_create",
    "missions:positioning_withdraw",
    "missions:quality_review_record",
    "missions:request_cancel",
    "missions:request_confirm",
    "missions:request_documents_add",
    "missions:request_new",
    "missions:request_qualify",
    "missions:request_submit",
    "missions:scores_set",
    "missions:team_create",
    "missions:team_dissolve",
    "missions:team_invite",
    "missions:team_lead_transfer",
    "missions:team_member_accept",
    "missions:team_member_decline",
    "missions:team_member_remove",
    "missions:tender_comment",
    "missions:tender_create",
    "missions:tender_interest",
    "missions:tender_interest_remove",
    "missions:tender_result",
    "missions:tender_to_request",
    "missions:ties_declare",
    "network:consultant_profile",
    "network:organization_create",
    "network:organization_edit",
    "network:organization_member_add",
    "network:organization_member_remove",
    "network:organization_member_role",
    "network:person_set_level",
    "network:profile",
    "network:reference_create",
    "network:reference_delete",
    "network:reference_edit",
    "network:skill_create",
    "network:skill_deactivate",
    "network:skill_edit",
    "reciprocity:declaration_amend",
    "reciprocity:declaration_cancel",
    "reciprocity:declaration_create",
    "reciprocity:declaration_invoice",
    "reciprocity:helloasso_import",
    "reciprocity:payment_create",
    "reciprocity:payment_match",
    "reciprocity:payment_refund",
    "reciprocity:policies_animation",
    "reciprocity:policies_guide_add",
    "reciprocity:policies_guide_down",
    "reciprocity:policies_guide_edit",
    "reciprocity:policies_guide_toggle",
    "reciprocity:policies_guide_up",
    "reciprocity:policies_in_kind",
    "reciprocity:policies_in_kind_refuse",
    "reciprocity:policies_in_kind_validate",
    "reciprocity:policies_mission_confirm",
    "reciprocity:policies_mission_negotiate",
    "reciprocity:policies_mission_policy",
    "reciprocity:policies_mission_self",
    "reciprocity:policies_mission_turnover",
    "reciprocity:policies_settings",
    "reciprocity:reports_common_payout",
}


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _own_routes() -> list[tuple[str, URLPattern]]:
    return sorted(
        (name, pattern)
        for name, pattern in _patterns(get_resolver())
        if name.split(":")[0] in OWN_NAMESPACES
    )


def _address(name: str, pattern: URLPattern) -> str:
    """The route's address with identifiers that name nothing."""
    kwargs: dict[str, Any] = {}
    for key, converter in getattr(pattern.pattern, "converters", {}).items():
        if isinstance(converter, UUIDConverter):
            kwargs[key] = uuid.uuid4()
        elif isinstance(converter, IntConverter):
            kwargs[key] = 2024
        else:
            kwargs[key] = "x"
    # A regular expression's groups: the first sample that the expression accepts.
    groups = [g for g in pattern.pattern.regex.groupindex if g not in kwargs]
    for sample in ("x" * 20, "2024", str(uuid.uuid4())):
        try:
            return reverse(name, kwargs={**kwargs, **dict.fromkeys(groups, sample)})
        except NoReverseMatch:
            continue
    raise AssertionError(f"no sample address for {name}")


ROUTES = _own_routes()
READ_ONLY = [(name, pattern) for name, pattern in ROUTES if name not in ACCEPTS_POST]


def test_every_listed_form_route_exists() -> None:
    assert ACCEPTS_POST - {name for name, _ in ROUTES} == set()


def test_the_walk_sees_both_kinds_of_routes() -> None:
    assert len(READ_ONLY) >= 70
    assert len(ROUTES) - len(READ_ONLY) >= 100


@pytest.mark.django_db
@pytest.mark.parametrize("as_steward", [False, True], ids=["anonymous", "steward"])
def test_a_post_to_a_read_only_page_is_405_with_an_allow_header(as_steward: bool) -> None:
    client = Client()
    if as_steward:
        client.force_login(StewardFactory().user)
    wrong: list[str] = []
    for name, pattern in READ_ONLY:
        response = client.post(_address(name, pattern))
        allow = {m.strip() for m in response.headers.get("Allow", "").split(",")}
        if response.status_code != 405 or "GET" not in allow or "POST" in allow:
            wrong.append(f"{name}: {response.status_code} Allow={response.headers.get('Allow')}")
    assert wrong == []


@pytest.mark.django_db
def test_routes_that_take_a_post_do_not_refuse_the_method() -> None:
    client = Client()
    client.force_login(StewardFactory().user)
    refused = [
        name
        for name, pattern in ROUTES
        if name in ACCEPTS_POST and client.post(_address(name, pattern)).status_code == 405
    ]
    assert refused == []


@pytest.mark.django_db
def test_read_only_pages_still_answer_get_and_head() -> None:
    client = Client()
    for name in ("core:home", "membership:directory", "commons:list", "events:list"):
        assert client.get(reverse(name)).status_code == 200
        assert client.head(reverse(name)).status_code == 200
