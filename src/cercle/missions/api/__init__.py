"""The circle's API: one router per topic, mounted on the project's API."""

from __future__ import annotations

from ninja import Router

from cercle.missions.api import (
    follow_up,
    offers,
    requests,
    selection,
    teams,
    tenders,
    transparency,
)

router = Router()
for module in (requests, teams, offers, selection, follow_up, tenders, transparency):
    router.add_router("", module.router)
