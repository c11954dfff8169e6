"""API of the commons registry. (Skeleton: filled by the owner.)"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["commons"])
