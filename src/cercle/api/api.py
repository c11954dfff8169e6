"""The JSON API at /api/v1/: each app contributes a router from its own api.py."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from cercle.api.errors import document_errors, install_error_handlers
from cercle.api.parser import ObjectBodyParser
from cercle.commons.api import router as commons_router
from cercle.core.api import router as core_router
from cercle.core.api_auth import TokenAuth
from cercle.decisions.api import router as decisions_router
from cercle.events.api import router as events_router
from cercle.membership.api import router as membership_router
from cercle.missions.api import router as missions_router
from cercle.network.api import router as network_router
from cercle.reciprocity.api import router as reciprocity_router


class CercleAPI(NinjaAPI):
    """The document also lists the error answers every operation may give (one shape)."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return document_errors(super().get_openapi_schema(**kwargs))


api = CercleAPI(
    title="Cercle API",
    version="1",
    description=(
        "The API of Cercle. Authenticate with `Authorization: Bearer <personal token>` "
        "(create one on your profile page); anonymous callers see public data only. "
        'Errors always have the shape `{"detail": "…", "errors": {"field": ["…"]}}`.'
    ),
    auth=TokenAuth(),
    parser=ObjectBodyParser(),
    urls_namespace="api",
)
install_error_handlers(api)

api.add_router("", core_router)
api.add_router("", network_router)
api.add_router("", membership_router)
api.add_router("", missions_router)
api.add_router("", commons_router)
api.add_router("", reciprocity_router)
api.add_router("", decisions_router)
api.add_router("", events_router)
