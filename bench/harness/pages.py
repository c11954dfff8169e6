"""The pages and API lists the bench visits, and who looks at each.

Addresses are templates filled from the dataset's landmarks (`bench.dataset.landmarks`).
`who` names a landmark person (`steward`, `consultant`, `member`, `evaluator`) or
`anonymous`. HTML pages are fetched with that person's session cookie, API lists with
their bearer token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HTML = "html"
API = "api"
MAX_QUERIES = 15


@dataclass(frozen=True)
class Page:
    name: str
    kind: str  # HTML or API
    path: str  # a template: {busy_request_uuid}, {year}, ...
    who: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name}"

    def url(self, landmarks: dict[str, Any]) -> str:
        return self.path.format(**landmarks)


def _both(name: str, html: str, api: str | None, who: str) -> list[Page]:
    pages = [Page(name, HTML, html, who)]
    if api is not None:
        pages.append(Page(name, API, api, who))
    return pages


PAGES: list[Page] = [
    *_both("directory: members", "/annuaire/", "/api/v1/directory", "member"),
    *_both("directory: places", "/structures/", "/api/v1/organizations", "member"),
    *_both("request list", "/demandes/", "/api/v1/requests", "steward"),
    *_both(
        "request detail, 50 offers",
        "/demandes/{busy_request_uuid}/",
        "/api/v1/requests/{busy_request_uuid}/offers",
        "steward",
    ),
    *_both(
        "evaluation",
        "/demandes/{evaluation_request_uuid}/evaluation/",
        "/api/v1/requests/{evaluation_request_uuid}/evaluation",
        "evaluator",
    ),
    *_both(
        "concentration", "/cercle/concentration/", "/api/v1/transparency/concentration", "member"
    ),
    *_both(
        "consultant statement",
        "/contributions/?annee={year}",
        "/api/v1/me/statement?year={year}",
        "consultant",
    ),
    *_both(
        "steward dashboard",
        "/contributions/soucieux/?annee={year}",
        "/api/v1/dashboards/stewards?year={year}",
        "steward",
    ),
    *_both(
        "proposal, 1,000 votes",
        "/decisions/propositions/{proposal_uuid}/",
        "/api/v1/proposals/{proposal_uuid}/votes",
        "steward",
    ),
    *_both("journal", "/journal/", "/api/v1/journal", "steward"),
    *_both("yearly report", "/rapport/{year}/", "/api/v1/reports/{year}", "anonymous"),
]

CEILING_PATH = "/_bench/ceiling/?size={size}"
