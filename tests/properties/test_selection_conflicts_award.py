"""Properties of the selection against the database.

- No conflicted person ever sees a non-anonymised offer or scores it: random ties,
  team invitations, positionings and organization memberships are generated, then
  the services and the selector are called as the evaluator would.
- One award per request: however many award attempts, one Award and one Mission.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cercle.core.errors import ApplicationError, Conflict, NotAllowed
from cercle.core.signed_links import make_token
from cercle.missions.enums import SelectionMode, TieKind
from cercle.missions.models import Award, Evaluator, Mission, Positioning, Score
from cercle.missions.selectors import selection as selectors
from cercle.missions.services import selection as services
from cercle.missions.services import selection_award as award_services
from tests.factories.missions import add_member
from tests.factories.network import OrganizationFactory, OrganizationMembershipFactory
from tests.unit.missions.test_selection_builders import all_marks, no_ties, selection

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def rolled_back() -> Iterator[None]:
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


RELATIONS = ["neutral", "invited", "positioned", "colleague", "client_side", "tie"]

evaluator_profiles = st.lists(
    st.tuples(
        st.sampled_from(RELATIONS),
        st.integers(min_value=0, max_value=2),  # which team the relation concerns
        st.sampled_from([k for k in TieKind.values if k != TieKind.NONE]),
    ),
    min_size=1,
    max_size=3,
)


def _relate(s: Any, evaluator: Evaluator, relation: str, team_index: int) -> None:
    person, team = evaluator.person, s.teams[team_index]
    if relation == "invited":
        add_member(team, person, status="invited")
    elif relation == "positioned":
        Positioning.objects.create(request=s.request, person=person)
    elif relation == "colleague":
        org = OrganizationFactory()
        OrganizationMembershipFactory(organization=org, person=team.lead)
        OrganizationMembershipFactory(organization=org, person=person)
    elif relation == "client_side":
        if s.request.client_organization is None:
            s.request.client_organization = OrganizationFactory()
            s.request.save(update_fields=["client_organization"])
        OrganizationMembershipFactory(organization=s.request.client_organization, person=person)


def _try(run: Any) -> Any:
    try:
        return run()
    except (ApplicationError, ValidationError):
        return None


@HYPOTHESIS
@given(profiles=evaluator_profiles, when=st.sampled_from(["before_ties", "after_ties"]))
def test_no_conflicted_person_sees_or_scores_an_offer(
    profiles: list[tuple[str, int, str]], when: str
) -> None:
    with rolled_back():
        s = selection(evaluators=len(profiles))
        names = {t.name for t in s.teams} | {t.lead.full_name for t in s.teams}
        for evaluator, (relation, team_index, tie_kind) in zip(s.evaluators, profiles, strict=True):
            user = evaluator.person.user
            ties = no_ties(s)
            if relation == "tie":
                ties[str(s.teams[team_index].uuid)] = (tie_kind, "Un lien déclaré.")
            if when == "before_ties":
                _relate(s, evaluator, relation, team_index)
            _try(
                lambda e=evaluator, u=user, t=ties: services.ties_declare(
                    actor=u, evaluator=e, ties=t
                )
            )
            if when == "after_ties":
                _relate(s, evaluator, relation, team_index)
            conflicted = relation != "neutral"

            seen = _try(
                lambda e=evaluator, u=user: (
                    services.evaluation_access(actor=u, evaluator=e),
                    selectors.anonymised_offers(request=s.request),
                )
            )
            scored = _try(
                lambda e=evaluator, u=user: services.score_set(
                    actor=u, evaluator=e, marks=all_marks(s)
                )
            )
            evaluator.refresh_from_db()
            if conflicted:
                assert seen is None
                assert scored is None
                assert evaluator.conflicted_at is not None
                assert not Score.objects.filter(evaluator=evaluator).exists()
                with pytest.raises(NotAllowed):
                    services.evaluation_access_for(actor=user, request=s.request)
            else:
                assert seen is not None
                assert scored is not None
                for offer in seen[1]:
                    assert "team" not in offer
                    assert not any(name in str(offer) for name in names)


@HYPOTHESIS
@given(
    mode=st.sampled_from(SelectionMode.values),
    attempts=st.lists(st.integers(min_value=0, max_value=2), min_size=2, max_size=4),
)
def test_one_award_per_request(mode: str, attempts: list[int]) -> None:
    with rolled_back():
        s = selection(mode=mode, evaluators=1 if mode == SelectionMode.DELEGATED else 0)
        if mode == SelectionMode.DELEGATED:
            e = s.evaluators[0]
            services.ties_declare(actor=e.person.user, evaluator=e, ties=no_ties(s))
            services.score_set(actor=e.person.user, evaluator=e, marks=all_marks(s))
            services.evaluation_submit(actor=e.person.user, evaluator=e)
        token = make_token("client-choice", str(s.request.uuid))
        outcomes = []
        for index in attempts:
            offer = s.offers[index]
            try:
                if mode == SelectionMode.DELEGATED:
                    award_services.award_delegated(
                        actor=s.steward.user,
                        request=s.request,
                        offer_uuid=offer.uuid,
                        reasons="Motifs.",
                    )
                else:
                    award_services.award_client(
                        token=token, request=s.request, offer_uuid=offer.uuid, reasons="Motifs."
                    )
                outcomes.append("awarded")
            except Conflict:
                outcomes.append("refused")
        assert outcomes[0] == "awarded"
        assert outcomes.count("awarded") == 1
        assert Award.objects.filter(request=s.request).count() == 1
        assert Mission.objects.filter(request=s.request).count() == 1
        assert Award.objects.get(request=s.request).offer == s.offers[attempts[0]]
