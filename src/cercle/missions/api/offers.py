"""API of the circle: offers. (Skeleton: filled by the topic's owner.)"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["offers"])
