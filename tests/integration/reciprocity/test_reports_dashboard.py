"""The stewards' dashboard: who owes what, overdue, reminders, in kind waiting, effort
against what came back; page, API, refusals and bounded queries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cercle.core import journal
from cercle.core.enums import Visibility
from cercle.reciprocity.enums import InKindStatus
from cercle.reciprocity.models import AnimationTime, InKindContribution
from cercle.reciprocity.selectors.reports_dashboard import steward_dashboard
from tests.factories import reciprocity_reports as rr
from tests.factories.missions import consultant
from tests.factories.network import StewardFactory
from tests.integration.core.conftest import bearer, logged_in, token_secret

pytestmark = pytest.mark.django_db
D = Decimal
API = "/api/v1"
PAGE = "/contributions/soucieux/"


@pytest.fixture
def scene(db: None) -> dict[str, Any]:
    today = timezone.localdate()
    year = today.year
    steward = StewardFactory()
    ines = consultant(first_name="Inès", last_name="Barbier")
    theo = consultant(first_name="Théo", last_name="Guillou")
    m = rr.mission(lead=ines, amount="9000.00", turnover="8000.00")
    late = rr.declaration(
        ines,
        year,
        "400.00",
        lines=[(m, "400.00")],
        invoice_on=today - datetime.timedelta(days=40),
        due_on=today - datetime.timedelta(days=10),
    )
    rr.pay(late, "100.00")
    rr.declaration(
        theo, year, "50.00", invoice_on=today, due_on=today + datetime.timedelta(days=30)
    )
    with transaction.atomic():
        journal.record(
            actor=None,
            verb="declaration.reminded",
            obj=late,
            payload={"kind": "overdue"},
            visibility=Visibility.PRIVATE,
            subject=ines.user,
        )
    AnimationTime.objects.create(
        steward=steward, project="Accompagnement du lieu", mission=m, hours=D("12"), done_on=today
    )
    AnimationTime.objects.create(
        steward=steward, project="Rencontre régionale", hours=D("5.5"), done_on=today
    )
    InKindContribution.objects.create(
        person=ines,
        kind="in_kind_welcome",
        mission=m,
        hours=D("3"),
        description="Accueil de porteurs de projet",
        done_on=today,
        status=InKindStatus.VALIDATED,
    )
    InKindContribution.objects.create(
        person=theo, kind="in_kind_event", hours=D("2"), description="Un atelier", done_on=today
    )
    return {"steward": steward, "ines": ines, "theo": theo, "mission": m, "late": late}


def test_dashboard_figures(scene: dict[str, Any]) -> None:
    year = timezone.localdate().year
    dashboard = steward_dashboard(actor=scene["steward"].user, year=year)
    assert dashboard.owed_total == D("350.00")
    assert dashboard.debtors == 2
    assert dashboard.overdue_count == 1
    assert dashboard.overdue_due == D("300.00")
    assert dashboard.overdue[0].pk == scene["late"].pk
    assert [e.verb for e in dashboard.reminders] == ["declaration.reminded"]
    assert dashboard.in_kind_pending == 1
    effort = {row.project: row for row in dashboard.effort}
    mission_row = effort[scene["mission"].request.title]
    assert mission_row.animation_hours == D("12")
    assert mission_row.invoiced == D("400.00")
    assert mission_row.paid == D("100.00")
    assert mission_row.in_kind_hours == D("3")
    assert effort["Rencontre régionale"].animation_hours == D("5.5")
    assert dashboard.effort_totals.animation_hours == D("17.5")


def test_dashboard_page(scene: dict[str, Any]) -> None:
    response = logged_in(scene["steward"]).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inès Barbier" in html
    assert "Rencontre régionale" in html
    assert "/contributions/en-nature/a-valider/" in html
    assert logged_in(scene["steward"]).get(PAGE + "?annee=abc").status_code == 400


def test_dashboard_is_for_stewards(scene: dict[str, Any]) -> None:
    assert logged_in(scene["ines"]).get(PAGE).status_code == 403
    assert Client().get(PAGE).status_code == 302
    client = Client()
    member = token_secret(scene["ines"])
    assert client.get(f"{API}/dashboards/stewards", **bearer(member)).status_code == 403
    assert client.get(f"{API}/receivables", **bearer(member)).status_code == 403
    assert client.get(f"{API}/receivables").status_code == 401


def test_dashboard_api(scene: dict[str, Any]) -> None:
    client = Client()
    secret = token_secret(scene["steward"])
    data = client.get(f"{API}/dashboards/stewards", **bearer(secret)).json()
    assert data["owed_total"] == "350.00"
    assert data["overdue"][0]["person"] == scene["ines"].slug
    assert data["overdue"][0]["due"] == "300.00"
    receivables = client.get(f"{API}/receivables", **bearer(secret)).json()
    assert receivables["count"] == 2
    assert receivables["items"][0]["balance"] == "300.00"


def test_dashboard_queries_do_not_grow(scene: dict[str, Any]) -> None:
    client = logged_in(scene["steward"])
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    today = timezone.localdate()
    for i in range(6):
        person = consultant()
        m = rr.mission(lead=person)
        d = rr.declaration(
            person,
            today.year,
            f"{10 + i}.00",
            lines=[(m, f"{10 + i}.00")],
            invoice_on=today - datetime.timedelta(days=40),
            due_on=today - datetime.timedelta(days=5),
        )
        rr.pay(d, "1.00")
        AnimationTime.objects.create(
            steward=scene["steward"], project=f"P{i}", mission=m, hours=D("1"), done_on=today
        )
    with CaptureQueriesContext(connection) as many:
        client.get(PAGE)
    assert len(many) == len(few)


def test_dashboard_query_ceiling(scene: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    client = logged_in(scene["steward"])
    with django_assert_max_num_queries(25):
        assert client.get(PAGE).status_code == 200
    secret = token_secret(scene["steward"])
    with django_assert_max_num_queries(25):
        assert Client().get(f"{API}/dashboards/stewards", **bearer(secret)).status_code == 200
    with django_assert_max_num_queries(12):
        assert Client().get(f"{API}/receivables", **bearer(secret)).status_code == 200
