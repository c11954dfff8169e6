"""The decisions API: one router per topic, mounted on the project's API."""

from __future__ import annotations

from ninja import Router

from cercle.decisions.api import letters, proposals, threads

router = Router()
for module in (threads, proposals, letters):
    router.add_router("", module.router)
