"""API of the circle: follow_up. (Skeleton: filled by the topic's owner.)"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["follow_up"])
