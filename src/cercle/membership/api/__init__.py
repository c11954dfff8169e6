"""The membership part of the API: each topic module has its own router."""

from ninja import Router

from cercle.membership.api.charter import router as charter_router
from cercle.membership.api.contracts import router as contracts_router
from cercle.membership.api.directory import router as directory_router

router = Router()
router.add_router("", contracts_router)
router.add_router("", charter_router)
router.add_router("", directory_router)
