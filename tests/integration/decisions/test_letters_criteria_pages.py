"""The reading criteria page: everyone signed in reads it, stewards edit it."""

from __future__ import annotations

import pytest

from cercle.decisions.models import ReadingCriterion
from tests.factories.network import StewardFactory, SupporterFactory
from tests.integration.core.conftest import logged_in

pytestmark = pytest.mark.django_db

URL = "/lettres-de-soutien/criteres/"


def test_stewards_add_edit_reorder_and_deactivate() -> None:
    steward = logged_in(StewardFactory())
    page = steward.get(URL)
    assert page.status_code == 200
    assert "Un modèle ouvert et reproductible" in page.content.decode()
    assert steward.post(URL, {"title": "", "description": ""}).status_code == 400
    assert ReadingCriterion.objects.count() == 6
    assert steward.post(URL, {"title": "Sobriété foncière"}).status_code == 302
    added = ReadingCriterion.objects.get(title="Sobriété foncière")
    assert added.position == 6
    edit = f"{URL}{added.uuid}/"
    assert steward.get(edit).status_code == 200
    assert steward.post(edit, {"title": ""}).status_code == 400
    assert steward.post(
        edit, {"title": "Sobriété", "description": "Peu de béton."}
    ).status_code == (302)
    assert steward.post(f"{edit}deplacer/", {"direction": "up"}).status_code == 302
    added.refresh_from_db()
    assert added.position == 5
    assert added.title == "Sobriété"
    assert steward.post(f"{edit}deplacer/", {"direction": "sideways"}).status_code == 400
    first = ReadingCriterion.objects.order_by("position").first()
    assert first is not None
    assert steward.post(f"{URL}{first.uuid}/deplacer/", {"direction": "up"}).status_code == 409
    assert steward.post(f"{edit}activer/", {"is_active": "0"}).status_code == 302
    added.refresh_from_db()
    assert not added.is_active


def test_others_read_but_do_not_edit() -> None:
    member = logged_in(SupporterFactory())
    page = member.get(URL)
    assert page.status_code == 200
    assert "deplacer" not in page.content.decode()
    assert member.post(URL, {"title": "Autre"}).status_code == 403
    criterion = ReadingCriterion.objects.first()
    assert criterion is not None
    assert member.get(f"{URL}{criterion.uuid}/").status_code == 403
    assert member.post(f"{URL}{criterion.uuid}/activer/", {"is_active": "0"}).status_code == 403
    assert ReadingCriterion.objects.count() == 6
