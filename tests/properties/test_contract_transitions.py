"""Whatever people try, in any order, a contract only moves along CONTRACT_TRANSITIONS.

Random sequences of actions by the applicant, a steward, the applicant-steward (conflict of
interest) and an outsider, on any version of a lineage: every status change seen is in the
table, validation comes only from submitted or in discussion, a refused version always
carries a reason, and a lineage never has two open or two validated versions.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from cercle.core.errors import ApplicationError
from cercle.membership.enums import CONTRACT_TRANSITIONS, ContractStatus
from cercle.membership.models import AdhesionContract
from cercle.membership.models.contracts import OPEN_STATUSES
from cercle.membership.services import contracts as services
from tests.factories.membership_contracts import simple_menu
from tests.factories.network import PersonFactory, StewardFactory

S = ContractStatus
ACTIONS = (
    "start",
    "edit",
    "edit_other_without_text",
    "submit",
    "comment_by_steward",
    "comment_by_applicant",
    "validate",
    "validate_own",
    "validate_by_outsider",
    "refuse",
    "amend",
)

action_lists = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.integers(min_value=0, max_value=5),  # which version of the lineage
        st.sampled_from(["", "   ", "Pas assez précis", "Revenez plus tard"]),
    ),
    min_size=1,
    max_size=14,
)


class ContractTransitionProperties(TestCase):
    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(steps=action_lists, applicant_is_steward=st.booleans())
    def test_random_actions_stay_inside_the_table(
        self, steps: list[tuple[str, int, str]], applicant_is_steward: bool
    ) -> None:
        applicant = StewardFactory() if applicant_is_steward else PersonFactory()
        steward, outsider = StewardFactory(), PersonFactory()
        menu = simple_menu()
        first = services.contract_start(actor=applicant.user)
        lineage = first.lineage
        # Start from a complete draft so that short sequences reach the decisions too.
        self._act("edit", first, "", applicant, steward, outsider, menu)

        def versions() -> list[AdhesionContract]:
            return list(AdhesionContract.objects.filter(lineage=lineage).order_by("version"))

        for action, index, text in steps:
            before = {v.pk: v.status for v in versions()}
            all_versions = versions()
            contract = all_versions[index % len(all_versions)]
            # A refusal is fine; what matters is the state afterwards.
            with contextlib.suppress(ApplicationError, ValidationError):
                self._act(action, contract, text, applicant, steward, outsider, menu)
            after = versions()
            for version in after:
                old = before.get(version.pk)
                assert version.status in S.values
                if old is None:
                    assert version.status == S.DRAFT  # new versions start as drafts
                elif old != version.status:
                    assert version.status in CONTRACT_TRANSITIONS[old], (old, version.status)
                    if version.status == S.VALIDATED:
                        assert old in (S.SUBMITTED, S.IN_DISCUSSION)
                        assert version.decided_by_id not in (None, applicant.pk)
                if version.status == S.REFUSED:
                    assert version.refusal_reason.strip()
            statuses = [v.status for v in after]
            assert sum(s in OPEN_STATUSES for s in statuses) <= 1
            assert statuses.count(S.VALIDATED) <= 1

    @staticmethod
    def _act(
        action: str,
        contract: AdhesionContract,
        text: str,
        applicant: Any,
        steward: Any,
        outsider: Any,
        menu: dict[str, Any],
    ) -> None:
        if action == "start":
            services.contract_start(actor=applicant.user)
        elif action == "edit":
            services.contract_update(
                actor=applicant.user,
                contract=contract,
                motivation=text,
                choices={str(menu["need"].uuid): "", str(menu["contribution"].uuid): ""},
            )
        elif action == "edit_other_without_text":
            services.contract_update(
                actor=applicant.user, contract=contract, choices={str(menu["other"].uuid): text}
            )
        elif action == "submit":
            services.contract_submit(actor=applicant.user, contract=contract)
        elif action == "comment_by_steward":
            services.contract_comment(actor=steward.user, contract=contract, body=text or "Oui")
        elif action == "comment_by_applicant":
            services.contract_comment(actor=applicant.user, contract=contract, body=text)
        elif action == "validate":
            services.contract_validate(actor=steward.user, contract=contract)
        elif action == "validate_own":
            services.contract_validate(actor=applicant.user, contract=contract)
        elif action == "validate_by_outsider":
            services.contract_validate(actor=outsider.user, contract=contract)
        elif action == "refuse":
            services.contract_refuse(actor=steward.user, contract=contract, reason=text)
        elif action == "amend":
            services.contract_amend(actor=applicant.user, contract=contract)
