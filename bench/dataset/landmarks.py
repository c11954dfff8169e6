"""What the dataset generator hands to the harness: the objects the benchmark visits.

The generator (`bench.dataset.generate`) builds a national network at a scale factor and
returns these landmarks; the harness measures the pages and API lists that show them. A
landmark exists at every scale, so the same URLs are measured at 0.001, 0.01 and 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Landmarks:
    scale: float
    seed: int
    password: str  # every generated account's password
    steward_email: str  # a steward of the association
    consultant_email: str  # a circle consultant with missions, declarations, payments
    member_email: str  # a circle consultant with no role in the landmark request
    evaluator_email: str  # an unconflicted evaluator of `evaluation_request_uuid`
    busy_request_uuid: str  # the request with the most offers (50 at scale ≥ 0.025)
    evaluation_request_uuid: str  # delegated selection, offers submitted, being scored
    proposal_uuid: str  # the proposal with the most votes (1,000 at scale ≥ 0.125)
    year: int  # the fiscal year of statements and of the yearly report
    counts: dict[str, int] = field(default_factory=dict)  # rows generated, per table
