from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _

from cercle.core.errors import ApplicationError


class PersonLanguageMiddleware:
    """A signed-in person's chosen language wins over the cookie and the browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "language", ""):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class ErrorMiddleware:
    """Turn an application error that a view did not handle into a clear page, not a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError):
            return render(
                request,
                "core/error.html",
                {"message": exception.message, "status": exception.status},
                status=exception.status,
            )
        return None


class FormErrorStatusMiddleware:
    """A POST whose form comes back with errors answers 400, not 200.

    Our own views set the status themselves; this covers views we do not write (the
    account pages of django-allauth), which answer with a TemplateResponse.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_template_response(
        self, request: HttpRequest, response: TemplateResponse
    ) -> TemplateResponse:
        if request.method == "POST" and response.status_code == 200:
            context = response.context_data or {}
            form = context.get("form") if isinstance(context, dict) else None
            if form is not None and getattr(form, "errors", None):
                response.status_code = 400
        return response


class NulCharacterMiddleware:
    """Refuse text containing NUL characters with a 400, before it reaches a query.

    No person types one, PostgreSQL cannot store one, and Django's forms refuse them
    but the JSON API and query strings would otherwise carry them down to the database
    (a 500). Bodies are checked only when they are text (JSON or a URL-encoded form):
    uploaded files may hold any byte.
    """

    TEXT_TYPES = ("application/json", "application/x-www-form-urlencoded")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            message = _("The request contains a NUL character, which is not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": {}}, status=400)
            return render(
                request, "core/error.html", {"message": message, "status": 400}, status=400
            )
        return self.get_response(request)

    def _has_nul(self, request: HttpRequest) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or b"\x00" in unquote_to_bytes(query):
            return True
        if request.content_type in self.TEXT_TYPES:
            body = request.body
            if b"\x00" in body or b"%00" in body or b"\\u0000" in body:
                return True
        return False
