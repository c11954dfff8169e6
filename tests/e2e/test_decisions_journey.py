"""Decisions (issue 5) in the browser, each person in their own browser context.

1. A consent proposal: a member of a working group opens it from a thread; members vote
   (agree; disagree with a reason; a block without an alternative is refused next to
   the field, then sent with a reason and an alternative); one votes and then declares
   a conflict of interest (listed, vote not counted); one changes their vote (history
   kept); participation and "not voted yet" are right; the author closes the vote; a
   vote sent afterwards is refused; the author publishes the outcome.
2. A support letter from request to PDF: a member of the holder organization asks for
   it with a real PDF dossier; a steward appoints a reviewer (a conflicted pick is
   refused first); the reviewer assesses the dossier against the criteria, which opens
   the network's consent proposal; members agree; the closing time passes, the sweeps
   close it and decide; the requester downloads the letter, a PDF naming the project.

Each loads the demo network once. Every page visited is checked with axe.
"""

from __future__ import annotations

import datetime
import importlib
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from cercle.decisions.enums import LetterStatus, ProposalStatus
from cercle.decisions.models import (
    Group,
    Outcome,
    Proposal,
    StandAside,
    SupportLetterRequest,
    Thread,
    Vote,
)
from cercle.decisions.selectors.proposals_results import proposal_results
from cercle.decisions.services import threads_groups as group_services
from cercle.demo import data
from cercle.demo.loader import email_for
from cercle.network.models import Person
from tests.e2e.conftest import log_in_through_the_form

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

WORKING_GROUP = "groupe-de-travail-communs"
THREAD = "Inventaire des communs existants"
TITLE = "Publier l'inventaire des communs sous licence libre"
DETAILS = "Nous proposons de publier l'inventaire sous **licence CC BY-SA** dès juin."
DISAGREE_REASON = "Attendons que chaque lieu relise sa fiche."
BLOCK_REASON = "Certaines fiches citent des personnes sans leur accord."
ALTERNATIVE = "Publier d'abord les fiches validées, le reste en septembre."
CONFLICT = "Je rédige une partie de l'inventaire pour un client."
OUTCOME = "Adoptée avec la réserve de Louise : les fiches validées partent en juin."

PROJECT = "La Halle Paysanne de Valbrume"
SUMMARY = "Une halle couverte pour le marché de producteurs et les fêtes du village."
CALL = "Appel Halles et marchés de pays"
REVIEW_SUMMARY = "Un projet d'intérêt collectif, porté par la commune avec ses habitants."


def fr(msgid: str) -> str:
    """What a French reader sees for an English message id (whatever the catalog holds)."""
    with translation.override("fr"):
        return gettext(msgid)


def in_french(text: Any) -> str:
    with translation.override("fr"):
        return str(text)


def fr_template(source: str, **context: Any) -> str:
    """A template fragment rendered in French: for `blocktranslate` sentences."""
    with translation.override("fr"):
        return Template("{% load i18n %}" + source).render(Context(context))


def person(key: str) -> Person:
    return Person.objects.select_related("user").get(user__email=email_for(key))


def local_input(when: datetime.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def submit(page: Any, form: str) -> Any:
    """Send the form; returns the response to the POST."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator(f"{form} button[type=submit]").first.click()
    page.wait_for_load_state()
    return answer.value


def vote(page: Any, choice: str, reason: str = "", alternative: str = "") -> Any:
    page.locator(f"main input[name=choice][value={choice}]").check()
    page.locator("#id_reason").fill(reason)
    if alternative or page.locator("#id_alternative").count():
        page.locator("#id_alternative").fill(alternative)
    return submit(page, "main form[action$='/voter/']")


def real_pdf() -> bytes:
    """A small, real PDF: one blank A4 page."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def downloaded(page: Any, link: str) -> bytes:
    with page.expect_download() as download_info:
        page.locator(link).first.click()
    path = download_info.value.path()
    with open(path, "rb") as stream:
        return stream.read()


@pytest.fixture
def demo(e2e_db: None) -> None:
    """The demo network, with the seeded reading criteria. Loaded with a task backend
    that can defer: the immediate one of the tests refuses the tasks that some demo
    steps schedule for later."""
    # The reading criteria come from a data migration, which the flush after an
    # earlier journey has emptied: seed them again, as the migration does.
    importlib.import_module("cercle.decisions.migrations.0002_letters_reading_criteria").seed(
        django_apps, None
    )
    tasks = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=tasks):
        call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def browse_as(browser: Any, live_server: Any, demo: None) -> Iterator[Callable[[str], Any]]:
    """`browse_as(key)`: a page in a new browser context, logged in as that demo person.
    As with the `page` fixture, JavaScript errors, 5xx answers and missing static files
    fail the test."""
    contexts: list[Any] = []
    problems: list[str] = []

    def check(response: Any) -> None:
        broken_asset = response.status >= 400 and "/static/" in response.url
        if response.status >= 500 or broken_asset:
            problems.append(f"{response.status} on {response.url}")

    def open_as(key: str) -> Any:
        context = browser.new_context(base_url=live_server.url, locale="fr-FR")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        page.on("response", check)
        log_in_through_the_form(page, email_for(key), data.DEMO_PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


def tally_row(page: Any, label: str) -> Any:
    results = page.locator("main section[aria-labelledby=results-title]")
    return results.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name=label, exact=True)
    )


def test_a_consent_proposal_from_a_thread_to_its_outcome(
    browse_as: Callable[[str], Any], assert_accessible: Callable[[Any], None]
) -> None:
    group = Group.objects.get(slug=WORKING_GROUP)
    for key in ("louise", "gaspard"):
        group_services.group_member_add(
            actor=person("solene").user, group=group, person=person(key)
        )
    thread = Thread.objects.get(title=THREAD)
    thread_url = thread.get_absolute_url()

    # --- Maëlle, a member of the group, opens a proposal from the thread.
    author = browse_as("maelle")
    author.goto(thread_url)
    assert_accessible(author)
    author.locator(f"main a[href$='/nouvelle-proposition/?fil={thread.uuid}']").click()
    author.wait_for_url(f"**/groupes/{WORKING_GROUP}/nouvelle-proposition/?fil={thread.uuid}")
    expect(author.locator("main")).to_contain_text(thread.title)
    assert_accessible(author)
    # Sent without a title, the form is refused next to the field.
    author.locator("#id_closes_at").fill(local_input(timezone.now() + datetime.timedelta(days=7)))
    assert submit(author, "main form").status == 400
    expect(author.locator("#id_title")).to_have_attribute("aria-invalid", "true")
    assert_accessible(author)
    author.locator("#id_title").fill(TITLE)
    author.locator("#id_details").fill(DETAILS)
    assert submit(author, "main form").status == 302
    author.wait_for_url("**/decisions/propositions/*-*-*-*-*/")
    proposal = Proposal.objects.get(title=TITLE)
    proposal_url = proposal.get_absolute_url()
    assert author.url.endswith(proposal_url)
    assert proposal.thread == thread
    assert proposal.author == person("maelle")
    assert proposal.status == ProposalStatus.OPEN
    expect(author.locator(".messages")).to_contain_text(
        fr("The proposal is open. Its members have been told.")
    )
    expect(author.locator("main .prose strong")).to_have_text("licence CC BY-SA")
    assert_accessible(author)
    labels = {option.key: option.label for option in proposal.options.all()}
    assert set(labels) == {"agree", "abstain", "disagree", "block"}
    # The thread now lists it.
    author.goto(thread_url)
    expect(author.locator(f"main a[href='{proposal_url}']")).to_have_text(TITLE)
    assert_accessible(author)

    # --- Théo agrees.
    theo = browse_as("theo")
    theo.goto(proposal_url)
    expect(theo.locator("h1")).to_have_text(TITLE)
    assert_accessible(theo)
    assert vote(theo, "agree").status == 302
    expect(theo.locator(".messages")).to_contain_text(fr("Your vote is recorded."))
    assert_accessible(theo)

    # --- Agathe disagrees, with a reason.
    agathe = browse_as("agathe")
    agathe.goto(proposal_url)
    assert vote(agathe, "disagree", DISAGREE_REASON).status == 302
    expect(agathe.locator(".messages")).to_contain_text(fr("Your vote is recorded."))

    # --- Louise blocks without an alternative: refused, next to the field; then with one.
    louise = browse_as("louise")
    louise.goto(proposal_url)
    assert vote(louise, "block", BLOCK_REASON).status == 400
    alternative = louise.locator("#id_alternative")
    expect(alternative).to_have_attribute("aria-invalid", "true")
    expect(louise.locator("#id_alternative_errors")).to_contain_text(
        fr("A block comes with an alternative proposal.")
    )
    expect(louise.locator("main [role=alert]")).to_be_visible()
    assert_accessible(louise)
    assert not Vote.objects.filter(proposal=proposal, voter=person("louise")).exists()
    assert vote(louise, "block", BLOCK_REASON, ALTERNATIVE).status == 302
    blocks = louise.locator("main section[aria-labelledby=results-title] ul")
    expect(blocks).to_contain_text(BLOCK_REASON)
    expect(blocks).to_contain_text(ALTERNATIVE)
    assert_accessible(louise)

    # --- Gaspard agrees, then declares a conflict of interest and stands aside.
    gaspard = browse_as("gaspard")
    gaspard.goto(proposal_url)
    assert vote(gaspard, "agree").status == 302
    gaspard.locator("#id_aside-reason").fill(CONFLICT)
    assert submit(gaspard, "main form[action$='/se-retirer/']").status == 302
    expect(gaspard.locator(".messages")).to_contain_text(
        fr("The stand-aside is recorded: that vote will not be counted.")
    )
    asides = gaspard.locator("main section[aria-labelledby=aside-title]")
    expect(asides.locator("li")).to_have_count(1)
    expect(asides.locator("li")).to_contain_text(person("gaspard").full_name)
    expect(asides.locator("li")).to_contain_text(CONFLICT)
    expect(gaspard.locator("main form[action$='/voter/']")).to_have_count(0)
    expect(gaspard.locator("main")).to_contain_text(
        fr("You stand aside on this proposal: you do not vote on it.")
    )
    assert_accessible(gaspard)

    # --- Agathe changes her mind: abstain. Her first vote stays in the history.
    agathe.goto(proposal_url)
    expect(agathe.locator("#vote-title")).to_have_text(fr("Change your vote"))
    assert vote(agathe, "abstain", "Je me range à l'avis du groupe.").status == 302
    mine = agathe.locator("main section[aria-labelledby=mine-title] li")
    expect(mine).to_have_count(2)
    expect(mine.filter(has_text=fr("replaced"))).to_have_count(1)
    expect(mine.filter(has_text=fr("counted"))).to_have_count(1)
    assert_accessible(agathe)
    agathe.goto(f"{proposal_url}?historique=1")
    history = agathe.locator("main section[aria-labelledby=votes-title] tbody tr")
    expect(history).to_have_count(5)  # Théo, Agathe twice, Louise, Gaspard
    agathe_rows = history.filter(has_text=person("agathe").full_name)
    expect(agathe_rows).to_have_count(2)
    expect(agathe_rows.filter(has_text=DISAGREE_REASON)).to_contain_text(fr("replaced"))
    assert_accessible(agathe)
    agathe_votes = Vote.objects.filter(proposal=proposal, voter=person("agathe"))
    assert agathe_votes.count() == 2
    assert agathe_votes.get(is_latest=True).reason == "Je me range à l'avis du groupe."

    # --- Participation: five members, Gaspard aside; three of four voted; Maëlle has not.
    results = proposal_results(proposal, list(proposal.options.all()))
    assert (results.voted_count, results.eligible_count) == (3, 4)
    assert [p.pk for p in results.not_voted] == [person("maelle").pk]
    author.goto(proposal_url)
    participation = fr_template(
        "{% blocktranslate with voted=results.voted_count eligible=results.eligible_count "
        "rate=results.participation %}{{ voted }} of {{ eligible }} people who may vote have "
        "taken part ({{ rate }} %).{% endblocktranslate %}",
        results=results,
    )
    expect(author.locator("main section[aria-labelledby=results-title]")).to_contain_text(
        participation
    )
    waiting = author.locator("main section[aria-labelledby=waiting-title] li")
    expect(waiting).to_have_count(1)
    expect(waiting).to_have_text(person("maelle").full_name)
    # Gaspard's agreement is not counted: one agree (Théo), one abstain, one block.
    for key, count in (("agree", "1"), ("abstain", "1"), ("disagree", "0"), ("block", "1")):
        expect(tally_row(author, labels[key]).locator("td").first).to_have_text(count)
    assert_accessible(author)

    # --- Théo's page is open on the vote form while Maëlle closes the vote.
    theo.goto(proposal_url)
    theo.locator("main input[name=choice][value=disagree]").check()
    assert submit(author, "main form[action$='/clore/']").status == 302
    expect(author.locator(".messages")).to_contain_text(
        fr("The proposal is closed. Write its outcome.")
    )
    expect(author.locator("main form[action$='/voter/']")).to_have_count(0)
    expect(author.locator("main section[aria-labelledby=waiting-title]")).to_have_count(0)
    assert_accessible(author)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CLOSED

    # --- Théo's late vote is refused, with the reason on the page; his vote stands.
    theo.locator("#id_reason").fill("Finalement non.")
    late = submit(theo, "main form[action$='/voter/']")
    assert late.status == 409
    expect(theo.locator(".messages .message-error")).to_contain_text(
        fr("Voting closed on %(when)s.").split("%(when)s")[0].strip()
    )
    assert_accessible(theo)
    theo_votes = Vote.objects.filter(proposal=proposal, voter=person("theo"))
    assert theo_votes.count() == 1

    # --- Maëlle publishes the outcome; it shows on the page.
    author.locator("#id_statement").fill(OUTCOME)
    assert submit(author, "main form[action$='/issue/']").status == 302
    expect(author.locator(".messages")).to_contain_text(fr("The outcome is published."))
    expect(author.locator("main section[aria-labelledby=outcome-title]")).to_contain_text(OUTCOME)
    assert_accessible(author)
    louise.goto(proposal_url)
    expect(louise.locator("main section[aria-labelledby=outcome-title]")).to_contain_text(OUTCOME)
    assert Outcome.objects.get(proposal=proposal).author == person("maelle")
    assert StandAside.objects.get(proposal=proposal).person == person("gaspard")


def test_a_support_letter_from_request_to_pdf(
    browse_as: Callable[[str], Any], assert_accessible: Callable[[Any], None]
) -> None:
    # Maëlle runs Quentric Conseil, named as operator below: as a contributor she is
    # among the reviewer candidates, with a conflict.
    Person.objects.filter(pk=person("maelle").pk).update(engagement_level="contributeur")

    # --- Rachid, of the Commune de Valbrume, asks for a letter.
    rachid = browse_as("rachid")
    rachid.goto("/lettres-de-soutien/")
    assert_accessible(rachid)
    rachid.locator("main a[href$='/lettres-de-soutien/demander/']").first.click()
    rachid.wait_for_url("**/lettres-de-soutien/demander/")
    assert_accessible(rachid)
    rachid.locator("#id_project_name").fill(PROJECT)
    rachid.locator("#id_project_summary").fill(SUMMARY)
    rachid.locator("#id_holder").select_option("commune-de-valbrume")
    rachid.locator("#id_operators").select_option(["quentric-conseil"])
    rachid.locator("#id_call_name").fill(CALL)
    rachid.locator("#id_call_url").fill("https://example.org/appels/halles")
    deadline = timezone.now() + datetime.timedelta(days=12)
    rachid.locator("#id_call_deadline").fill(local_input(deadline))
    rachid.locator("#id_contact_email").fill("mairie@valbrume.example")
    # A text file named .pdf is refused by its content.
    rachid.locator("#id_dossier").set_input_files(
        {"name": "dossier.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf at all"}
    )
    assert submit(rachid, "main form").status == 400
    expect(rachid.locator("#id_dossier")).to_have_attribute("aria-invalid", "true")
    assert_accessible(rachid)
    assert not SupportLetterRequest.objects.filter(project_name=PROJECT).exists()
    dossier = real_pdf()
    rachid.locator("#id_dossier").set_input_files(
        {"name": "halle-paysanne.pdf", "mimeType": "application/pdf", "buffer": dossier}
    )
    assert submit(rachid, "main form").status == 302
    letter = SupportLetterRequest.objects.get(project_name=PROJECT)
    letter_url = letter.get_absolute_url()
    rachid.wait_for_url(f"**{letter_url}")
    expect(rachid.locator(".messages")).to_contain_text(
        fr("Your request is recorded. The stewards will appoint a reviewer.")
    )
    assert_accessible(rachid)
    assert letter.requested_by == person("rachid")
    assert letter.status == LetterStatus.SUBMITTED

    # --- Solène, a steward, appoints the reviewer: Maëlle is refused, Yanis appointed.
    solene = browse_as("solene")
    solene.goto(letter_url)
    assert_accessible(solene)
    solene.locator("main a[href$='/relecteur/']").click()
    solene.wait_for_url(f"**{letter_url}relecteur/")
    maelle_row = solene.locator("main tbody tr").filter(has_text=person("maelle").full_name)
    expect(maelle_row).to_contain_text("Quentric Conseil")
    assert_accessible(solene)
    solene.locator("#id_person").select_option(person("maelle").slug)
    assert submit(solene, "main form").status == 409
    expect(solene.locator("#id_person")).to_have_attribute("aria-invalid", "true")
    expect(solene.locator("#id_person_errors")).to_contain_text(person("maelle").full_name)
    expect(solene.locator("#id_person_errors")).to_contain_text("Quentric Conseil")
    assert_accessible(solene)
    letter.refresh_from_db()
    assert letter.reviewer is None
    solene.locator("#id_person").select_option(person("yanis").slug)
    assert submit(solene, "main form").status == 302
    solene.wait_for_url(f"**{letter_url}")
    expect(solene.locator(".messages")).to_contain_text(
        fr("The reviewer is appointed and told by e-mail.")
    )
    letter.refresh_from_db()
    assert letter.reviewer == person("yanis")
    assert letter.status == LetterStatus.IN_REVIEW

    # --- Yanis reads the dossier and reviews it against each criterion.
    yanis = browse_as("yanis")
    yanis.goto(letter_url)
    yanis.locator("main a[href$='/relecture/']").click()
    yanis.wait_for_url(f"**{letter_url}relecture/")
    assert_accessible(yanis)
    assert downloaded(yanis, "main a[href$='/dossier/']") == dossier
    radios = yanis.locator("main input[type=radio][name^=criterion_][value=met]")
    assert radios.count() >= 1
    for index in range(radios.count()):
        radios.nth(index).check()
    yanis.locator("main input[type=radio][name^=criterion_][value=partly]").first.check()
    yanis.locator("main textarea[name^=comment_]").first.fill("Le budget reste à préciser.")
    yanis.locator("#id_summary").fill(REVIEW_SUMMARY)
    assert submit(yanis, "main form").status == 302
    yanis.wait_for_url(f"**{letter_url}")
    expect(yanis.locator(".messages")).to_contain_text(
        fr("Your review is recorded: the network now decides by consent.")
    )
    expect(yanis.locator("main")).to_contain_text(REVIEW_SUMMARY)
    assert_accessible(yanis)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.IN_DECISION
    proposal = letter.proposal
    assert proposal is not None
    assert proposal.status == ProposalStatus.OPEN
    assert proposal.closes_at < letter.call_deadline
    proposal_url = proposal.get_absolute_url()
    expect(yanis.locator(f"main a[href='{proposal_url}']")).to_have_count(1)

    # --- Members of the association agree, each in their own browser.
    for page in (solene, browse_as("theo"), browse_as("agathe")):
        page.goto(proposal_url)
        expect(page.locator("main")).to_contain_text(PROJECT)
        assert vote(page, "agree").status == 302
    assert_accessible(solene)

    # --- The closing time passes: the sweeps close the vote and decide the letter.
    now = timezone.now()
    Proposal.objects.filter(pk=proposal.pk).update(
        opened_at=now - datetime.timedelta(days=3), closes_at=now - datetime.timedelta(minutes=1)
    )
    call_command("close_proposals", stdout=io.StringIO())
    call_command("decide_support_letters", stdout=io.StringIO())
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CLOSED
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED
    assert letter.issued_at is not None

    # --- Rachid downloads the letter from its page: a PDF that names the project.
    rachid.goto(letter_url)
    expect(rachid.locator("main .facts")).to_contain_text(in_french(LetterStatus.APPROVED.label))
    assert_accessible(rachid)
    pdf = downloaded(rachid, "main a[href$='/lettre.pdf']")
    assert pdf.startswith(b"%PDF")
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert PROJECT in text
    assert "Commune de Valbrume" in text
    solene.goto(proposal_url)
    expect(solene.locator("main form[action$='/voter/']")).to_have_count(0)
    assert_accessible(solene)
