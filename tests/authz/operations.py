"""Every operation of the site: each URL pattern of the HTML site (GET and POST) and each
operation of the ninja API (path × method), and how to call one for a role in the world."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cercle.missions.services import follow_up as follow_up_services
from tests.authz.world import World

# Routes that need no row, and why.
ALLOWED_WITHOUT_ROW = {
    # Django's admin: staff only, guarded by Django itself (is_staff), not by Cercle's rules.
    "admin",
    # allauth's password reset and e-mail confirmation keys: single-use secrets, tested by
    # allauth; without a key they answer like a wrong key.
    "account_confirm_email",
    "account_reset_password_from_key",
}


@dataclass(frozen=True)
class Operation:
    kind: str  # "html" or "api"
    name: str  # URL name (html) or "METHOD /path" (api)
    method: str
    pattern: str  # the route's pattern (html) or path template (api)

    @property
    def key(self) -> str:
        return f"{self.name} {self.method}" if self.kind == "html" else self.name


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ns
            if p.namespace:
                inner = f"{ns}:{p.namespace}" if ns else p.namespace
            found += _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            name = f"{ns}:{p.name}" if ns and p.name else (p.name or "")
            found.append((prefix + str(p.pattern), name))
    return found


def _allowed(pattern: str, name: str) -> bool:
    return pattern.startswith("admin/") or name in ALLOWED_WITHOUT_ROW


@cache
def html_routes() -> tuple[tuple[str, str], ...]:
    """(pattern, name) of every page route outside the API."""
    return tuple(
        (pattern, name)
        for pattern, name in _walk(get_resolver().url_patterns)
        if not pattern.startswith("api/")
    )


@cache
def api_operations() -> tuple[tuple[str, str], ...]:
    """(METHOD, path template) of every operation of the OpenAPI document."""
    from cercle.api.api import api

    schema = api.get_openapi_schema()
    return tuple(
        (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    )


@cache
def all_operations() -> tuple[Operation, ...]:
    ops: list[Operation] = []
    for pattern, name in html_routes():
        if _allowed(pattern, name):
            continue
        for method in ("GET", "POST"):
            ops.append(Operation("html", name, method, pattern))
    for method, path in api_operations():
        ops.append(Operation("api", f"{method} {path}", method, path))
    return tuple(ops)


# --- Filling a route's parameters from the world --------------------------------------


def _obj(w: World, key: str) -> Any:
    return w.objects[key]


def _request(w: World, state: str) -> Any:
    state = state.split("_")[0]
    return w.objects.get(f"request_{state}") or w.objects["request_open"]


def _team(w: World, state: str) -> Any:
    return w.objects.get(f"team_{state}") or w.objects["team_open"]


def _offer(w: World, state: str) -> Any:
    if state == "withdrawn":
        return w.objects["offer_withdrawn"]
    return w.objects.get(f"offer_{state}") or w.objects["offer_open"]


def _token_for(w: World, name: str, state: str) -> str:
    if name == "missions:mission_survey":
        return follow_up_services.survey_token(w.objects["mission"])
    if name == "missions:client_choice":
        return w.links[CLIENT_LINKS.get(state, "valid")]
    return "not-a-token"


CLIENT_LINKS = {"client": "valid", "client_expired": "expired", "client_other": "other_request"}

# (regex on the pattern, parameter) -> value from (world, state, route name)
PARAM_RULES: list[tuple[str, str, Any]] = [
    (r"^demandes/.*equipes", "team_uuid", lambda w, s, n: _team(w, s).uuid),
    (r"^demandes/.*membres", "slug", lambda w, s, n: w.people["team_member"].slug),
    (r"^demandes/", "uuid", lambda w, s, n: _request(w, s).uuid),
    (r"^demandes/", "document", lambda w, s, n: _obj(w, "request_document").uuid),
    (r"^demandes/", "label", lambda w, s, n: _offer(w, s).label or "A"),
    (r"^demandes/", "token", _token_for),
    (r"^offres/", "uuid", lambda w, s, n: _offer(w, s).uuid),
    (r"^offres/", "kind", lambda w, s, n: "methode"),
    (r"^missions/", "token", _token_for),
    (r"^missions/", "uuid", lambda w, s, n: _obj(w, "mission").uuid),
    (r"", "year", lambda w, s, n: timezone.localdate().year),
    (r"^appels-d-offres/", "uuid", lambda w, s, n: _obj(w, "tender").uuid),
    (r"^communs/", "slug", lambda w, s, n: _obj(w, "common").slug),
    (r"^contributions/communs/", "slug", lambda w, s, n: _obj(w, "common").slug),
    (r"^contributions/guide/", "uuid", lambda w, s, n: _obj(w, "guide_situation").uuid),
    (r"^contributions/missions/", "uuid", lambda w, s, n: _obj(w, "mission").uuid),
    (r"^contributions/en-nature/", "uuid", lambda w, s, n: _obj(w, "in_kind").uuid),
    (r"^contributions/declarations/", "uuid", lambda w, s, n: _obj(w, "declaration").uuid),
    (r"^contributions/paiements/", "uuid", lambda w, s, n: _obj(w, "payment").uuid),
    (r"^contributions/recus/", "uuid", lambda w, s, n: _obj(w, "receipt").uuid),
    (r"^contributions/exports/", "table", lambda w, s, n: "ledger"),
    (r"^decisions/groupes/", "slug", lambda w, s, n: _obj(w, f"group_{s}").slug),
    (r"^decisions/groupes/", "person_slug", lambda w, s, n: w.people["sympathisant"].slug),
    (r"^decisions/fils/", "uuid", lambda w, s, n: _obj(w, f"thread_{s}").uuid),
    (r"^decisions/commentaires/", "uuid", lambda w, s, n: _obj(w, "comment").uuid),
    (r"^decisions/propositions/", "uuid", lambda w, s, n: _obj(w, f"proposal_{s}").uuid),
    (r"^lettres-de-soutien/criteres/", "uuid", lambda w, s, n: _obj(w, "criterion").uuid),
    (r"^lettres-de-soutien/", "uuid", lambda w, s, n: _obj(w, "letter_reviewed").uuid),
    (r"^evenements/", "slug", lambda w, s, n: _obj(w, "event").slug),
    (r"calendrier", "token", lambda w, s, n: "a" * 20),
    (r"^compte/jetons/", "token_id", lambda w, s, n: _obj(w, "api_token").uuid),
    (r"^compte/profil/", "reference_id", lambda w, s, n: _obj(w, "reference").uuid),
    (r"^notifications/", "token", lambda w, s, n: "not-a-token"),
    (r"^notifications/", "notification_id", lambda w, s, n: _obj(w, "notification").uuid),
    (r"^personnes/", "slug", lambda w, s, n: w.people["sympathisant"].slug),
    (r"^structures/", "slug", lambda w, s, n: _obj(w, "organization").slug),
    (r"^structures/", "person_id", lambda w, s, n: _obj(w, "organization_member").uuid),
    (r"^competences/", "slug", lambda w, s, n: _obj(w, "skill").slug),
    (r"^adhesion/", "item_id", lambda w, s, n: _obj(w, "menu_item").uuid),
    (r"^adhesion/", "contract_id", lambda w, s, n: _obj(w, "contract").uuid),
    (r"^charte/", "number", lambda w, s, n: 1),
    (r"^charte/", "signature_id", lambda w, s, n: _obj(w, "signature").uuid),
    (r"^engagements/", "check_id", lambda w, s, n: _obj(w, "check").uuid),
    (r"^regulation/", "case_id", lambda w, s, n: _obj(w, "case").uuid),
    (r"^annuaire/", "slug", lambda w, s, n: _obj(w, "listed").slug),
    # The API.
    (r"^/api/v1/requests/\{request_id\}", "request_id", lambda w, s, n: _request(w, s).uuid),
    (r"^/api/v1/(client/)?requests/", "uuid", lambda w, s, n: _request(w, s).uuid),
    (r"^/api/v1/requests/", "document_id", lambda w, s, n: _obj(w, "request_document").uuid),
    (r"^/api/v1/teams/", "team_id", lambda w, s, n: _team(w, s).uuid),
    (r"^/api/v1/teams/", "uuid", lambda w, s, n: _team(w, s).uuid),
    (r"^/api/v1/teams/", "slug", lambda w, s, n: w.people["team_member"].slug),
    (r"^/api/v1/offers/", "uuid", lambda w, s, n: _offer(w, s).uuid),
    (r"^/api/v1/evaluators/", "uuid", lambda w, s, n: _obj(w, "evaluator_evaluation").uuid),
    (r"^/api/v1/missions/", "uuid", lambda w, s, n: _obj(w, "mission").uuid),
    (r"^/api/v1/tenders/", "uuid", lambda w, s, n: _obj(w, "tender").uuid),
    (r"^/api/v1/commons/", "slug", lambda w, s, n: _obj(w, "common").slug),
    (
        r"^/api/v1/guide-situations/",
        "situation_id",
        lambda w, s, n: _obj(w, "guide_situation").uuid,
    ),
    (r"^/api/v1/in-kind-contributions/", "uuid", lambda w, s, n: _obj(w, "in_kind").uuid),
    (r"^/api/v1/declarations/", "uuid", lambda w, s, n: _obj(w, "declaration").uuid),
    (r"^/api/v1/payments/", "uuid", lambda w, s, n: _obj(w, "payment").uuid),
    (r"^/api/v1/receipts/", "uuid", lambda w, s, n: _obj(w, "receipt").uuid),
    (r"^/api/v1/exports/", "table", lambda w, s, n: "ledger"),
    (r"^/api/v1/groups/", "slug", lambda w, s, n: _obj(w, f"group_{s}").slug),
    (r"^/api/v1/groups/", "person_slug", lambda w, s, n: w.people["sympathisant"].slug),
    (r"^/api/v1/threads/", "uuid", lambda w, s, n: _obj(w, f"thread_{s}").uuid),
    (r"^/api/v1/comments/", "uuid", lambda w, s, n: _obj(w, "comment").uuid),
    (r"^/api/v1/proposals/", "proposal_id", lambda w, s, n: _obj(w, f"proposal_{s}").uuid),
    (r"^/api/v1/support-letters/", "uuid", lambda w, s, n: _obj(w, "letter_reviewed").uuid),
    (r"^/api/v1/reading-criteria/", "uuid", lambda w, s, n: _obj(w, "criterion").uuid),
    (r"^/api/v1/events/", "slug", lambda w, s, n: _obj(w, "event").slug),
    (r"^/api/v1/tokens/", "token_id", lambda w, s, n: _obj(w, "api_token").uuid),
    (r"^/api/v1/me/", "reference_id", lambda w, s, n: _obj(w, "reference").uuid),
    (r"^/api/v1/notifications/", "notification_id", lambda w, s, n: _obj(w, "notification").uuid),
    (r"^/api/v1/people/", "person_id", lambda w, s, n: w.people["sympathisant"].uuid),
    (r"^/api/v1/organizations/", "slug", lambda w, s, n: _obj(w, "organization").slug),
    (r"^/api/v1/organizations/", "person_id", lambda w, s, n: _obj(w, "organization_member").uuid),
    (r"^/api/v1/skills/", "slug", lambda w, s, n: _obj(w, "skill").slug),
    (r"^/api/v1/menu-items/", "item_id", lambda w, s, n: _obj(w, "menu_item").uuid),
    (r"^/api/v1/contracts/", "contract_id", lambda w, s, n: _obj(w, "contract").uuid),
    (r"^/api/v1/charter/", "number", lambda w, s, n: 1),
    (r"^/api/v1/charter/", "signature_id", lambda w, s, n: _obj(w, "signature").uuid),
    (r"^/api/v1/engagement-checks/", "check_id", lambda w, s, n: _obj(w, "check").uuid),
    (r"^/api/v1/regulation-cases/", "case_id", lambda w, s, n: _obj(w, "case").uuid),
    (r"^/api/v1/directory/", "slug", lambda w, s, n: _obj(w, "listed").slug),
]


PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}|\(\?P<(\w+)>")


def _params(op: Operation) -> list[str]:
    return [a or b or c for a, b, c in PARAM.findall(op.pattern)]


def _value(op: Operation, param: str, w: World, state: str) -> Any:
    for regex, name, fn in PARAM_RULES:
        if name == param and re.search(regex, op.pattern):
            return fn(w, state, op.name)
    raise KeyError(f"no rule fills {param!r} of {op.key}")


def url_for(op: Operation, w: World, state: str) -> str:
    values = {p: _value(op, p, w, state) for p in _params(op)}
    if op.kind == "html":
        return reverse(op.name, kwargs=values)
    path = op.pattern
    for param, value in values.items():
        path = path.replace("{" + param + "}", str(value))
    return path


@cache
def _client() -> Client:
    """One client for every cell: a new one would load the middleware again (whitenoise
    scans every static file), which is most of a cell's time."""
    return Client()


def call(op: Operation, w: World, role: str, state: str) -> Any:
    """The answer to `role` calling `op` on the world in `state`, changing nothing."""
    client = _client()
    client.cookies.clear()
    headers: dict[str, str] = {}
    if role in w.sessions:
        if op.kind == "html":
            client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[role]
        else:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {w.tokens[role]}"
    url = url_for(op, w, state)
    body = b"{}"
    if role == "client" and op.kind == "api":
        link = w.links[CLIENT_LINKS.get(state, "valid")]
        url += f"?token={link}"
        body = json.dumps({"token": link}).encode()
    django_cache.clear()
    with transaction.atomic():
        if op.method == "GET":
            response = client.get(url, **headers)
        elif op.kind == "html":
            response = client.post(url, {}, **headers)
        else:
            response = client.generic(
                op.method, url, body, content_type="application/json", **headers
            )
        transaction.set_rollback(True)
    return response
