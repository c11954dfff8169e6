"""One error shape for the whole API: {"detail": "…", "errors": {"field": ["…"]}}."""

from __future__ import annotations

from decimal import InvalidOperation
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from cercle.core.errors import ApplicationError


def _body(detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or {}}


_LOCATIONS = {"body", "query", "path", "form", "header", "cookie", "file"}


def _ninja_errors(exc: NinjaValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(part) for part in item.get("loc", [])]
        # Ninja prefixes the location ("body", "query"…) and, for a body schema, the
        # parameter's name (always `payload` here); what follows is the field itself.
        if loc and loc[0] in _LOCATIONS:
            loc = loc[1:]
        if loc and loc[0] == "payload":
            loc = loc[1:]
        field = ".".join(loc) or "__all__"
        errors.setdefault(field, []).append(_translated_pydantic(item))
    return errors


def _translated_pydantic(item: dict[str, Any]) -> str:
    kind = item.get("type", "")
    messages = {
        "missing": _("This field is required."),
        "string_too_long": _("This value is too long."),
        "string_too_short": _("This value is too short."),
        "int_parsing": _("Enter a whole number."),
        "decimal_parsing": _("Enter a number."),
        "uuid_parsing": _("Enter a valid identifier."),
        "bool_parsing": _("Enter true or false."),
        "enum": _("Select a valid choice."),
        "literal_error": _("Select a valid choice."),
        "json_invalid": _("The request body is not valid JSON."),
        "date_from_datetime_parsing": _("Enter a valid date."),
        "date_parsing": _("Enter a valid date."),
        "datetime_parsing": _("Enter a valid date and time."),
        "url_parsing": _("Enter a valid URL."),
        "value_error": _("Enter a valid value."),
        "list_type": _("Enter a list of values."),
        "greater_than_equal": _("This value is too small."),
        "less_than_equal": _("This value is too large."),
    }
    return str(messages.get(kind, _("Enter a valid value.")))


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return api.create_response(
            request, _body(_("The request is not valid."), _ninja_errors(exc)), status=422
        )

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = {f: [str(m) for m in ms] for f, ms in exc.message_dict.items()}
        else:
            errors = {"__all__": [str(m) for m in exc.messages]}
        return api.create_response(
            request, _body(_("The request is not valid."), errors), status=422
        )

    @api.exception_handler(ApplicationError)
    def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        status = exc.status
        if status == 403 and not request.user.is_authenticated:
            status = 401
        return api.create_response(request, _body(exc.message, exc.errors), status=status)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        status = 403 if request.user.is_authenticated else 401
        return api.create_response(
            request, _body(str(_("You are not allowed to do this."))), status=status
        )

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, _body(_("The API token is missing, wrong or revoked.")), status=401
        )

    @api.exception_handler(MultiPartParserError)
    def on_unreadable_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # A multipart body without a boundary, or cut short: the client's fault.
        return api.create_response(
            request, _body(_("The request body cannot be read as a form with files.")), status=400
        )

    # Safety nets for values that pass the schema but not arithmetic or storage: a number
    # too large to round to the cent (5e46 hours), a time-zone offset PostgreSQL cannot
    # store (-22:57), a NUL byte in a multipart text field. The service's transaction has
    # been rolled back; the caller gets a 422, not a 500.
    def on_unstorable_value(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(
            request,
            _body(_("A value is out of the range this server can record.")),
            status=422,
        )

    api.exception_handler(InvalidOperation)(on_unstorable_value)
    api.exception_handler(DataError)(on_unstorable_value)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, _body(_("Not found.")), status=404)

    api.exception_handler(ObjectDoesNotExist)(on_not_found)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, _body(str(exc)), status=exc.status_code)


# ---------------------------------------------------------------- the errors in the schema

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"title": "Detail", "type": "string"},
        "errors": {
            "title": "Errors",
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "errors"],
}
_ERROR_DESCRIPTIONS = {
    "400": "The request cannot be read (a malformed body, a NUL character).",
    "401": "The API token is wrong or revoked, or the operation needs one.",
    "403": "The caller is not allowed to do this.",
    "404": "No such object, or not visible to the caller.",
    "409": "The object's state forbids this now (a transition, a deadline, a duplicate).",
    "422": "The request is not valid: the errors name the fields.",
    "429": "Too many attempts; try again in a few minutes.",
}
# Operations behind a rate limit (see `cercle.core.ratelimit`).
RATE_LIMITED = {("post", "/api/v1/requests/public")}


def _error_codes(method: str, path: str, operation: dict[str, Any]) -> list[str]:
    """The error answers an operation can give, from the handlers above and the
    middleware: any request can be unreadable (400), any token refused (401), any service
    can refuse the actor (403), not find an object named in the path, the body or the
    query (404), or meet a state that forbids the operation now (409; reads too: a
    contract's PDF before it is validated); a parameter or a body can be invalid (422)."""
    codes = ["400", "401", "403", "404", "409"]
    if operation.get("parameters") or "requestBody" in operation:
        codes.append("422")
    if (method, path) in RATE_LIMITED:
        codes.append("429")
    return codes


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the one error shape, and the error statuses each operation may answer, to an
    OpenAPI document (so that clients and schemathesis know them)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            # The bearer token is optional: without it, the caller is anonymous and sees
            # public data (operations that need a person answer 401).
            if operation.get("security") and {} not in operation["security"]:
                operation["security"] = [*operation["security"], {}]
            # Ninja keys the responses an endpoint declares by int (403), OpenAPI by
            # text ("403"): one key per status, or the document holds two "403"s.
            responses = {
                str(code): answer for code, answer in operation.get("responses", {}).items()
            }
            operation["responses"] = responses
            for code in _error_codes(method, path, operation):
                responses.setdefault(
                    code,
                    {
                        "description": _ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return schema
