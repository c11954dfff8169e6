"""API of the circle: tenders. (Skeleton: filled by the topic's owner.)"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["tenders"])
