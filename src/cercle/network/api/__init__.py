"""The network's part of the API; each topic module has its own router."""

from ninja import Router

from cercle.network.api.consultants import router as consultants_router
from cercle.network.api.organizations import router as organizations_router
from cercle.network.api.people import router as people_router
from cercle.network.api.skills import router as skills_router
from cercle.network.api.territories import router as territories_router

router = Router()
router.add_router("", people_router)
router.add_router("", consultants_router)
router.add_router("", organizations_router)
router.add_router("", skills_router)
router.add_router("", territories_router)
