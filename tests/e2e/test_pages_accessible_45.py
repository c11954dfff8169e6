"""Every main page of reciprocity, decisions, support letters, events and notifications
(issues 4 and 5), as the role that uses it, checked with axe.

As for the circle, there is one test a role, not one a page: each loads the demo once,
logs in once, then visits every page that role uses. A page must answer 200 at its own
address; the main forms are also sent empty once (every field cleared) and must answer
400 with their errors. Axe runs on each page, and the test fails at the end with every
page that answered otherwise or had a violation, not only the first.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from cercle.commons.models import Common
from cercle.core.notifications import unsubscribe_token
from cercle.decisions.enums import GroupKind, LetterStatus, PollKind
from cercle.decisions.models import (
    Comment,
    Group,
    Proposal,
    ReadingCriterion,
    SupportLetterRequest,
    Thread,
)
from cercle.decisions.services import letters as letter_services
from cercle.decisions.services.letters_decision import letter_decide_from_proposal
from cercle.decisions.services.proposals import proposal_close
from cercle.decisions.services.proposals_votes import vote_cast
from cercle.demo.loader import email_for
from cercle.events.models import CalendarFeed, Event
from cercle.missions.models import Mission
from cercle.network.models import Person
from cercle.reciprocity.models import (
    CommonPayout,
    GuideSituation,
    Payment,
    YearlyDeclaration,
)
from tests.e2e.tour import Tour, log_in_as

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PAST_SEMINAR = "Séminaire annuel sur la qualité des accompagnements"
NEXT_SEMINAR = "Séminaire qualité de l'automne"
MEETUP = "Rencontre des tiers-lieux du bassin minier"
"""Public: anyone may read it."""
ISSUED = "Le Café des Dunes"
DECIDING = "L'Atelier des Communs"
WAITING = "La Recyclerie Bleue"
CAFE = "Rouvrir le café du village"
"""Mission led under the default policy, its turnover declared then corrected."""
HANGAR = "Gouvernance partagée du Grand Hangar"
"""Mission under a negotiated policy, led by Maëlle."""

NEGOTIATION_FORM = "main form[action$='/negociation/']"
TURNOVER_FORM = "main form[action$='/chiffre-d-affaires/']"
COMMENT_FORM = "main form[action$='/commenter/']"
VOTE_FORM = "main form[action$='/voter/']"
RECEIPT_LINK = "main a[href^='/contributions/recus/']"


# Clears every field of a form (not the hidden ones, such as the CSRF token), so that it
# is really sent empty; server-side validation only, as a browser without it would.
def person(key: str) -> Person:
    return Person.objects.get(user__email=email_for(key))


def last_year() -> int:
    return timezone.localdate().year - 1


def group_page(kind: str, suffix: str = "") -> str:
    return f"/decisions/groupes/{Group.objects.filter(kind=kind).order_by('pk')[0].slug}/{suffix}"


def thread_page(kind: str) -> str:
    thread = Thread.objects.filter(group__kind=kind).order_by("created_at")[0]
    return f"/decisions/fils/{thread.uuid}/"


def proposal_page(proposal: Proposal) -> str:
    return f"/decisions/propositions/{proposal.uuid}/"


def proposals_of_each_kind() -> list[str]:
    """One page a kind the demo has (consent, objection, meeting, dots, ranked)."""
    pages: dict[str, str] = {}
    for proposal in Proposal.objects.order_by("opened_at", "pk"):
        pages.setdefault(proposal.kind, proposal_page(proposal))
    return list(pages.values())


def letter(project: str) -> SupportLetterRequest:
    return SupportLetterRequest.objects.get(project_name=project)


def letter_page(project: str, suffix: str = "") -> str:
    return f"/lettres-de-soutien/{letter(project).uuid}/{suffix}"


def event_page(title: str, suffix: str = "") -> str:
    return f"/evenements/{Event.objects.get(title=title).slug}/{suffix}"


def mission_contribution_page(title: str) -> str:
    return f"/contributions/missions/{Mission.objects.get(request__title=title).uuid}/"


def funded_common() -> Common:
    """The common the demo paid into and out of."""
    return CommonPayout.objects.order_by("pk")[0].common


def declaration_page(key: str) -> str:
    declaration = YearlyDeclaration.objects.filter(person=person(key)).order_by("pk")[0]
    return f"/contributions/declarations/{declaration.uuid}/"


def payment_page(payment: Payment) -> str:
    return f"/contributions/paiements/{payment.uuid}/"


def payments_of_each_sort() -> list[str]:
    """One page a sort of payment: by kind and method, a refund, one waiting to be
    matched to a declaration (it shows the matching form)."""
    pages: dict[tuple[str, str, bool, bool], str] = {}
    for payment in Payment.objects.order_by("pk"):
        sort = (payment.kind, payment.method, payment.is_refund, payment.declaration_id is None)
        pages.setdefault(sort, payment_page(payment))
    return list(pages.values())


def unsubscribe_page(key: str, what: str) -> str:
    return f"/notifications/desabonnement/{unsubscribe_token(person(key).user, what)}/"


def letter_in_review() -> None:
    """Solène becomes the reviewer of the letter waiting for one."""
    letter_services.letter_reviewer_appoint(
        actor=person("yanis").user, letter=letter(WAITING), person=person("solene")
    )


def letter_refused() -> None:
    """The network disagrees with the letter being decided: closed, it is refused."""
    deciding = letter(DECIDING)
    assert deciding.proposal is not None
    for key in ("solene", "yanis", "maelle"):
        vote_cast(
            actor=person(key).user,
            proposal=deciding.proposal,
            choices="disagree",
            reason="Le budget n'est pas encore assez solide.",
        )
    proposal_close(actor=person("solene").user, proposal=deciding.proposal)
    deciding.proposal.refresh_from_db()
    letter_decide_from_proposal(deciding.proposal)
    assert letter(DECIDING).status == LetterStatus.REFUSED


@pytest.fixture
def demo(e2e_db: None) -> None:
    """The whole demo: the network, the circle, and issues 4 and 5."""
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def tour(demo: None, page: Any) -> Tour:
    return Tour(page)


def test_anonymous_pages_of_issues_4_and_5_are_accessible(tour: Tour) -> None:
    """Events, the yearly report, a common's funding, the groups, an unsubscribe link."""
    tour.visit("/evenements/", shows=f"main a[href='{event_page(MEETUP)}']")
    tour.visit(event_page(MEETUP))
    tour.visit(f"/rapport/{last_year()}/")
    # The demo's missions and payments are of this year: its report has charts.
    tour.visit(f"/rapport/{timezone.localdate().year}/", shows="main figure svg")
    tour.download("main a[href$='.pdf']", "application/pdf")
    tour.visit(f"/communs/{funded_common().slug}/", shows="#funding-title")
    tour.visit("/decisions/")
    tour.visit(unsubscribe_page("maelle", "daily"), shows="main form")
    tour.visit(unsubscribe_page("agathe", "event"), shows="main form")
    # Applied (the form's POST, no login needed), the page says so.
    tour.submit()
    tour.check()


def test_consultant_pages_of_issues_4_and_5_are_accessible(
    tour: Tour, log_in: Callable[..., None]
) -> None:
    """Maëlle, a consultant of the circle: her contributions, the circle's decisions."""
    log_in_as(tour, log_in, "maelle")
    # Contributions
    tour.visit("/contributions/")
    tour.visit(f"/contributions/?annee={last_year()}")
    tour.visit("/contributions/declarations/")
    tour.visit(declaration_page("maelle"))
    tour.visit("/contributions/declarations/nouvelle/", shows="main form")
    tour.submit_empty("/contributions/declarations/nouvelle/")
    tour.visit("/contributions/paiements/")
    paid = Payment.objects.filter(payer_person=person("maelle")).order_by("pk")[0]
    tour.visit(payment_page(paid))
    # Her receipts are listed on the statement of the year she paid, and download.
    tour.visit(f"/contributions/?annee={paid.paid_on.year}", shows=RECEIPT_LINK)
    tour.download(RECEIPT_LINK, "application/pdf")
    tour.visit("/contributions/guide/")
    tour.visit("/contributions/en-nature/", shows="main form")
    tour.submit_empty("/contributions/en-nature/")
    tour.visit("/contributions/animation/")
    tour.visit(mission_contribution_page(HANGAR), shows=NEGOTIATION_FORM)
    tour.submit_empty(mission_contribution_page(HANGAR), NEGOTIATION_FORM)
    tour.visit(mission_contribution_page(CAFE))
    tour.visit("/contributions/communs/")
    tour.visit(f"/communs/{funded_common().slug}/", shows="#funding-title")
    tour.visit(f"/rapport/{last_year()}/")
    # Decisions
    tour.visit("/decisions/")
    tour.visit(group_page(GroupKind.CIRCLE))
    tour.visit(group_page(GroupKind.WORKING_GROUP))
    tour.visit(thread_page(GroupKind.CIRCLE))
    tour.visit(thread_page(GroupKind.WORKING_GROUP))
    tour.visit(group_page(GroupKind.CIRCLE, "nouveau-fil/"), shows="main form")
    tour.submit_empty(group_page(GroupKind.CIRCLE, "nouveau-fil/"))
    tour.visit("/decisions/propositions/")
    for page in proposals_of_each_kind():
        tour.visit(page)
    tour.visit(group_page(GroupKind.CIRCLE, "nouvelle-proposition/"), shows="main form")
    tour.submit_empty(group_page(GroupKind.CIRCLE, "nouvelle-proposition/"))
    # Support letters
    tour.visit("/lettres-de-soutien/")
    tour.visit(letter_page(ISSUED))
    tour.visit(letter_page(DECIDING))
    tour.visit("/lettres-de-soutien/criteres/")
    # Events
    tour.visit("/evenements/")
    tour.visit(event_page(PAST_SEMINAR))
    tour.visit(event_page(NEXT_SEMINAR), shows="main form")
    tour.visit(event_page(MEETUP))
    tour.visit("/evenements/calendrier/", shows="main #feed-url")
    feed = CalendarFeed.objects.get(person=person("maelle"))
    tour.fetch(f"/calendrier/{feed.token}.ics", "text/calendar")
    # Notifications
    tour.visit("/notifications/")
    tour.visit("/notifications/preferences/", shows="main form input[type=radio]")
    tour.submit_empty("/notifications/preferences/")
    tour.check()


def test_steward_pages_of_issues_4_and_5_are_accessible(
    tour: Tour, log_in: Callable[..., None]
) -> None:
    """Solène, a steward: payments, settings, exports, letters, events, groups."""
    log_in_as(tour, log_in, "solene")
    year = last_year()
    # Contributions
    tour.visit("/contributions/")
    tour.visit(f"/contributions/declarations/?annee={year}")
    for key in ("maelle", "theo", "ines", "gaspard"):
        tour.visit(declaration_page(key))
    tour.visit("/contributions/paiements/")
    tour.visit("/contributions/paiements/?a_rapprocher=1")
    for page in payments_of_each_sort():
        tour.visit(page)
    to_match = Payment.objects.filter(kind="contribution", declaration=None, refund_of=None)
    tour.submit_empty(payment_page(to_match[0]), "main form[action$='/rapprocher/']")
    tour.submit_empty(
        payment_page(Payment.objects.filter(declaration__person=person("maelle"))[0]),
        "main form[action$='/rembourser/']",
    )
    tour.visit("/contributions/paiements/nouveau/", shows="main form")
    tour.submit_empty("/contributions/paiements/nouveau/")
    tour.visit("/contributions/helloasso/", shows="main form input[type=file]")
    tour.submit_empty("/contributions/helloasso/", "main form[enctype='multipart/form-data']")
    tour.visit("/contributions/guide/")
    tour.visit("/contributions/guide/nouvelle/", shows="main form")
    situation = GuideSituation.objects.order_by("pk")[0]
    tour.visit(f"/contributions/guide/{situation.uuid}/modifier/", shows="main form")
    tour.submit_empty("/contributions/guide/nouvelle/")
    tour.visit("/contributions/reglages/", shows="main form")
    tour.submit_empty("/contributions/reglages/")
    tour.visit("/contributions/en-nature/")
    tour.visit("/contributions/en-nature/a-valider/", shows="main form")
    tour.submit_empty("/contributions/en-nature/a-valider/", "main form[action$='/refuser/']")
    tour.visit("/contributions/animation/", shows="main form")
    tour.submit_empty("/contributions/animation/")
    tour.visit(mission_contribution_page(HANGAR), shows=NEGOTIATION_FORM)
    tour.visit(mission_contribution_page(CAFE), shows="main form")
    tour.submit_empty(mission_contribution_page(CAFE), TURNOVER_FORM)
    tour.submit_empty(mission_contribution_page(CAFE), "main form[action$='/politique/']")
    tour.visit("/contributions/exports/")
    tour.download("main a[href^='/contributions/exports/']", every=True)
    tour.visit("/contributions/soucieux/")
    tour.visit("/contributions/communs/")
    common = funded_common()
    tour.visit(f"/communs/{common.slug}/", shows="#funding-title")
    tour.visit(f"/contributions/communs/{common.slug}/versements/", shows="main form")
    tour.submit_empty(f"/contributions/communs/{common.slug}/versements/")
    tour.visit(f"/rapport/{year}/")
    # Decisions
    tour.visit("/decisions/")
    for kind in GroupKind.values:
        tour.visit(group_page(kind))
        tour.visit(thread_page(kind))
    tour.visit(group_page(GroupKind.WORKING_GROUP, "membres/"), shows="main form")
    tour.visit(group_page(GroupKind.WORKING_GROUP, "modifier/"), shows="main form")
    tour.visit("/decisions/groupes/nouveau/", shows="main form")
    tour.submit_empty("/decisions/groupes/nouveau/")
    tour.visit("/decisions/propositions/")
    for page in proposals_of_each_kind():
        tour.visit(page)
    consent = proposal_page(Proposal.objects.get(kind=PollKind.PROPOSAL, support_letter=None))
    tour.visit(f"{consent}?historique=1")
    tour.submit_empty(consent, "main form[action$='/prolonger/']")
    closed = proposal_page(Proposal.objects.get(kind=PollKind.OBJECTION))
    tour.submit_empty(closed, "main form[action$='/issue/']")
    tour.visit(group_page(GroupKind.ASSOCIATION, "nouvelle-proposition/"), shows="main form")
    # Support letters, at each stage
    tour.visit("/lettres-de-soutien/")
    tour.visit(letter_page(ISSUED))
    tour.download("main a[href$='/lettre.pdf']", "application/pdf")
    tour.download("main a[href$='/dossier/']", "application/pdf")
    tour.visit(letter_page(DECIDING))
    letter_proposal = letter(DECIDING).proposal
    assert letter_proposal is not None
    tour.visit(proposal_page(letter_proposal))
    tour.visit(letter_page(WAITING))
    tour.visit(letter_page(WAITING, "relecteur/"), shows="main form")
    tour.submit_empty(letter_page(WAITING, "relecteur/"))
    tour.visit("/lettres-de-soutien/criteres/", shows="main form")
    tour.submit_empty("/lettres-de-soutien/criteres/")
    criterion = ReadingCriterion.objects.order_by("position")[0]
    tour.visit(f"/lettres-de-soutien/criteres/{criterion.uuid}/", shows="main form")
    tour.submit_empty(f"/lettres-de-soutien/criteres/{criterion.uuid}/")
    letter_in_review()
    tour.visit(letter_page(WAITING))
    tour.visit(letter_page(WAITING, "relecture/"), shows="main form")
    tour.submit_empty(letter_page(WAITING, "relecture/"))
    letter_services.letter_withdraw(actor=person("solene").user, letter=letter(WAITING))
    tour.visit(letter_page(WAITING))
    letter_refused()
    tour.visit(letter_page(DECIDING))
    # Events
    tour.visit("/evenements/")
    tour.visit("/evenements/?period=past")
    for title in (PAST_SEMINAR, NEXT_SEMINAR, MEETUP):
        tour.visit(event_page(title))
    tour.visit(event_page(PAST_SEMINAR, "presences/"), shows="main form")
    tour.visit("/evenements/nouveau/", shows="main form")
    tour.submit_empty("/evenements/nouveau/")
    tour.visit(event_page(NEXT_SEMINAR, "modifier/"), shows="main form")
    tour.submit_empty(event_page(NEXT_SEMINAR, "modifier/"))
    tour.visit("/evenements/calendrier/")
    # Notifications
    tour.visit("/notifications/")
    tour.visit("/notifications/preferences/", shows="main form input[type=radio]")
    tour.check()


def test_member_pages_of_issues_4_and_5_are_accessible(
    tour: Tour, log_in: Callable[..., None]
) -> None:
    """Agathe, a member outside the circle: her letter, the association, events."""
    log_in_as(tour, log_in, "agathe")
    # Contributions
    tour.visit("/contributions/")
    tour.visit("/contributions/paiements/")
    tour.visit("/contributions/en-nature/", shows="main form")
    tour.visit("/contributions/animation/")
    tour.visit("/contributions/communs/")
    tour.visit(f"/communs/{funded_common().slug}/", shows="#funding-title")
    tour.visit(f"/rapport/{last_year()}/")
    # Decisions
    tour.visit("/decisions/")
    tour.visit(group_page(GroupKind.ASSOCIATION))
    tour.visit(group_page(GroupKind.WORKING_GROUP))
    tour.visit(thread_page(GroupKind.ASSOCIATION), shows=COMMENT_FORM)
    tour.submit_empty(thread_page(GroupKind.ASSOCIATION), COMMENT_FORM)
    own = Comment.objects.filter(author=person("agathe"), deleted_at=None).order_by("pk")[0]
    tour.visit(f"/decisions/commentaires/{own.uuid}/modifier/", shows="main form")
    tour.submit_empty(f"/decisions/commentaires/{own.uuid}/modifier/")
    tour.visit(thread_page(GroupKind.WORKING_GROUP))
    tour.visit("/decisions/propositions/")
    meeting = Proposal.objects.get(kind=PollKind.MEETING)
    tour.visit(proposal_page(meeting), shows=VOTE_FORM)
    ranked = Proposal.objects.get(kind=PollKind.RANKED_CHOICE)
    tour.visit(proposal_page(ranked), shows=VOTE_FORM)
    tour.submit_empty(proposal_page(ranked), VOTE_FORM)
    tour.visit(group_page(GroupKind.ASSOCIATION, "nouveau-fil/"), shows="main form")
    # Support letters: hers, being decided, and the request form
    tour.visit("/lettres-de-soutien/")
    tour.visit(letter_page(DECIDING))
    tour.visit(letter_page(ISSUED))
    tour.visit("/lettres-de-soutien/criteres/")
    tour.visit("/lettres-de-soutien/demander/", shows="main form input[type=file]")
    tour.submit_empty("/lettres-de-soutien/demander/")
    # Events: registered to the meet-up, attended the past seminar
    tour.visit("/evenements/")
    tour.visit(event_page(MEETUP), shows="main form")
    tour.visit(event_page(PAST_SEMINAR))
    tour.visit("/evenements/calendrier/")
    # Notifications
    tour.visit("/notifications/")
    tour.visit("/notifications/preferences/", shows="main form input[type=radio]")
    tour.check()
