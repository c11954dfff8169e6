"""The public yearly report: figures, page, PDF, API, redirect, refusals, aggregates only,
and the same number of queries for a small and a larger year."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.missions.models import QualityReview, SatisfactionSurvey
from cercle.reciprocity import ledger
from cercle.reciprocity.enums import AccountKind, InKindStatus, JournalCode, PolicyKind
from cercle.reciprocity.models import AnimationTime, InKindContribution
from cercle.reciprocity.selectors.reports_yearly import (
    concentration_summary,
    last_complete_year,
    yearly_report,
)
from tests.factories import reciprocity_reports as rr
from tests.factories.missions import CommonFactory, add_member, consultant
from tests.factories.network import StewardFactory

pytestmark = pytest.mark.django_db
D = Decimal
YEAR = 2025
API = "/api/v1"


def day(month: int, d: int = 10) -> datetime.date:
    return datetime.date(YEAR, month, d)


def build_year(extra: int = 0) -> dict[str, Any]:
    maelle = consultant(first_name="Maëlle", last_name="Quéré")
    yanis = consultant(first_name="Yanis", last_name="Marchal")
    common = CommonFactory(name="Forum des lieux")
    flat = rr.mission(
        lead=maelle,
        amount="10000.00",
        awarded_on=day(2),
        territory="59",
        policy=PolicyKind.FLAT_RATE,
        rate="5",
        turnover="9000.00",
        commons=[(common, "400.00")],
    )
    fee = rr.mission(
        lead=yanis,
        amount="20000.00",
        awarded_on=day(3),
        territory="35",
        policy=PolicyKind.STRUCTURE_FEE,
        rate="20",
        turnover="20000.00",
    )
    add_member(fee.team, maelle)
    rr.mission(
        lead=yanis,
        amount="3000.00",
        awarded_on=day(4),
        territory="59350",
        policy=PolicyKind.SELF_ASSESSED,
        self_assessed="150.00",
    )
    for _i in range(extra):
        rr.mission(
            lead=consultant(), amount="1000.00", awarded_on=day(5), territory="13", turnover="900"
        )
    d1 = rr.declaration(maelle, YEAR, "450.00", lines=[(flat, "450.00")], invoice_on=day(6))
    rr.pay(d1, "450.00", paid_on=day(7))
    d2 = rr.declaration(yanis, YEAR, "1000.00", invoice_on=day(6))
    rr.pay(d2, "600.00", paid_on=day(7))
    rr.pay_common(common, flat, "400.00", paid_on=day(8))
    bank = ledger.system_account(AccountKind.BANK)
    ledger.post(
        actor=None,
        journal_code=JournalCode.BANK,
        label="Don",
        legs=[
            ledger.Leg(bank, D("75.00")),
            ledger.Leg(ledger.system_account(AccountKind.INCOME_DONATION), D("-75.00")),
        ],
        verb="payment.recorded",
        on=day(9),
    )
    InKindContribution.objects.create(
        person=maelle,
        kind="in_kind_event",
        common=common,
        hours=D("4"),
        description="Animation du forum",
        done_on=day(5),
        status=InKindStatus.VALIDATED,
    )
    AnimationTime.objects.create(
        steward=StewardFactory(), project="Réseau", hours=D("10"), done_on=day(5)
    )
    when = timezone.make_aware(datetime.datetime(YEAR, 9, 1, 12))
    SatisfactionSurvey.objects.create(
        mission=flat,
        sent_at=when,
        answered_at=when,
        overall=4,
        objectives_met=5,
        would_recommend=True,
    )
    SatisfactionSurvey.objects.create(
        mission=fee,
        sent_at=when,
        answered_at=when,
        overall=5,
        objectives_met=4,
        would_recommend=False,
    )
    QualityReview.objects.create(
        mission=flat, year=YEAR, finding="conforms", note="Conforme", reviewed_by=StewardFactory()
    )
    return {"maelle": maelle, "yanis": yanis, "common": common}


def test_report_figures(db: None) -> None:
    build_year()
    report = yearly_report(year=YEAR)
    assert report.missions == 3
    assert report.value == D("33000.00")
    regions = {r.name: r.missions for r in report.regions}
    assert regions == {"Hauts-de-France": 2, "Bretagne": 1}
    assert {r.code: r.missions for r in report.departments} == {"59": 2, "35": 1}
    policies = {p.policy: p for p in report.policies}
    assert policies[PolicyKind.FLAT_RATE].expected == D("450.00")
    assert policies[PolicyKind.STRUCTURE_FEE].expected == D("4000.00")
    assert policies[PolicyKind.SELF_ASSESSED].expected == D("150.00")
    assert policies[PolicyKind.FLAT_RATE].paid == D("450.00")
    assert report.unsplit_paid == D("600.00")
    assert report.paid_total == D("1050.00")
    assert report.expected_total == D("4600.00")
    assert report.invoiced_in_year == D("1450.00")
    assert report.donations == D("75.00")
    commons = {c.name: c for c in report.commons}
    assert commons["Forum des lieux"].budgeted == D("400.00")
    assert commons["Forum des lieux"].paid_in == D("400.00")
    assert commons["Forum des lieux"].in_kind_hours == D("4")
    assert report.in_kind_hours == D("4")
    assert report.animation_hours == D("10")
    assert report.quality.surveys_answered == 2
    assert report.quality.overall_average == D("4.5")
    assert report.quality.would_recommend_share == D("50.0")
    assert report.quality.reviews == 1
    assert report.concentration.consultants == 2
    assert report.concentration.top_count == 1


def test_concentration_of_the_top_fifth() -> None:
    rows = [(1, 10, D("900")), (2, 11, D("50")), (3, 12, D("50")), (1, 13, D("0"))]
    rows += [(p, 20 + p, D("0")) for p in range(4, 11)]
    summary = concentration_summary(rows)
    assert summary.consultants == 10
    assert summary.top_count == 2
    assert summary.top_value_share == D("95.0")
    assert summary.top_missions_share is not None
    assert concentration_summary([]).consultants == 0


def test_page_is_public_and_shows_no_personal_amount(db: None) -> None:
    people = build_year()
    response = Client().get(f"/rapport/{YEAR}/")
    assert response.status_code == 200
    html = response.content.decode()
    for person in (people["maelle"], people["yanis"]):
        assert person.last_name not in html
    assert "<svg" in html
    assert 'role="img"' in html
    assert "Hauts-de-France" in html
    assert "Forum des lieux" in html


def test_pdf(db: None) -> None:
    build_year()
    response = Client().get(f"/rapport/{YEAR}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_latest_redirects_to_the_last_complete_year(db: None) -> None:
    response = Client().get("/rapport/")
    assert response.status_code == 302
    assert response["Location"] == f"/rapport/{last_complete_year()}/"


def test_years_without_report_are_404(db: None) -> None:
    client = Client()
    ahead = timezone.localdate().year + 1
    assert client.get(f"/rapport/{ahead}/").status_code == 404
    assert client.get("/rapport/1999/").status_code == 404
    assert client.get(f"/rapport/{ahead}.pdf").status_code == 404
    assert client.get(f"{API}/reports/{ahead}").status_code == 404


def test_api(db: None) -> None:
    build_year()
    data = Client().get(f"{API}/reports/{YEAR}").json()
    assert data["missions"] == 3
    assert data["value_ht"] == "33000.00"
    assert {p["policy"]: p["expected_ht"] for p in data["policies"]}["flat_rate"] == "450.00"
    assert data["quality"]["reviews_by_finding"][0]["finding"] == "conforms"
    assert "Quéré" not in str(data)


def test_queries_are_the_same_for_a_small_and_a_larger_year(db: None) -> None:
    build_year()
    client = Client()
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/rapport/{YEAR}/").status_code == 200
    for _ in range(8):
        person = consultant()
        m = rr.mission(lead=person, amount="2000.00", awarded_on=day(10), territory="69")
        d = rr.declaration(person, YEAR, "100.00", lines=[(m, "100.00")], invoice_on=day(11))
        rr.pay(d, "100.00", paid_on=day(11, 20))
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/rapport/{YEAR}/").status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 25


def test_report_query_ceiling(db: None, django_assert_max_num_queries: Any) -> None:
    build_year(extra=3)
    client = Client()
    with django_assert_max_num_queries(25):
        assert client.get(f"/rapport/{YEAR}/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(f"{API}/reports/{YEAR}").status_code == 200


def test_the_paid_figures_read_declarations_and_missions_by_subquery(db: None) -> None:
    """A national year pays thousands of declarations: their ids and their missions' ids
    are not sent back to the database as lists (building those parameters cost more than
    the queries)."""
    build_year(extra=3)
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(f"/rapport/{YEAR}/").status_code == 200
    listed = re.compile(r'"(declaration_id|mission_id)" IN \(\s*%?s?\d')
    assert not [q["sql"] for q in queries if listed.search(q["sql"])]
