"""The reciprocity API: one router per topic, mounted on the project's API."""

from __future__ import annotations

from ninja import Router

from cercle.reciprocity.api import declarations, policies, reports

router = Router()
for module in (policies, declarations, reports):
    router.add_router("", module.router)
