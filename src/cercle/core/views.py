"""Home, the journal, API tokens and the language switch."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from cercle.core import selectors, services
from cercle.core.errors import NotAllowed
from cercle.core.forms import call_service, form_status
from cercle.core.pagecache import cached_page


class KnownCountPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its number of items by the caller (who counted them already, or
    knows them exactly some cheaper way), so it makes no COUNT query of its own."""

    def __init__(self, items: Any, per_page: int, *, count: int) -> None:
        super().__init__(items, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def paginate(
    request: HttpRequest,
    items: object,
    per_page: int | None = None,
    *,
    count: int | None = None,
    param: str = "page",
) -> object:
    """The requested page of a queryset; a wrong page number gives the nearest page.

    `count`, when the caller knows the exact number of items, spares the COUNT query;
    `param` names the page's parameter when a page has more than one list."""
    size = per_page or settings.PAGE_SIZE
    paginator: Paginator[Any] = (
        Paginator(items, size)  # type: ignore[arg-type]
        if count is None
        else KnownCountPaginator(items, size, count=count)
    )
    return paginator.get_page(request.GET.get(param))


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


class JournalFilterForm(forms.Form):
    verb = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    object_type = forms.ChoiceField(label=gettext_lazy("Object type"), required=False)
    object_id = forms.CharField(
        label=gettext_lazy("Object identifier"), required=False, max_length=64
    )


@require_safe
@login_required
@cached_page
def journal(request: HttpRequest) -> HttpResponse:
    audience = selectors.journal_audience(request.user)  # type: ignore[arg-type]
    if not audience.is_member:
        raise NotAllowed(_("The journal is open to members of the network."))
    form = JournalFilterForm(request.GET or None)
    form.fields["verb"].choices = [("", _("All"))] + [  # type: ignore[attr-defined]
        (v, v) for v in selectors.journal_verbs(audience=audience)
    ]
    form.fields["object_type"].choices = [("", _("All"))] + [  # type: ignore[attr-defined]
        (t, t) for t in selectors.journal_object_types(audience=audience)
    ]
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = selectors.journal_entry_list(
        audience=audience,
        verb=filters.get("verb", ""),
        object_type=filters.get("object_type", ""),
        object_id=filters.get("object_id", ""),
    )
    status = form_status(form)
    count = selectors.journal_count(
        audience=audience, entries=entries, filtered=any(filters.values())
    )
    return render(
        request,
        "core/journal.html",
        {"form": form, "page": paginate(request, entries, count=count)},
        status=status,
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Token name"), max_length=100)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form, services.api_token_create, actor=request.user, name=form.cleaned_data["name"]
        )
        if created is not None:
            secret = created[1]
            messages.success(request, _("Token created. Copy it now: it will not be shown again."))
            form = TokenForm()
    status = form_status(form)
    return render(
        request,
        "core/tokens.html",
        {"form": form, "secret": secret, "tokens": selectors.api_token_list(actor=request.user)},  # type: ignore[arg-type]
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    token = get_object_or_404(selectors.api_token_list(actor=request.user), uuid=token_id)  # type: ignore[arg-type]
    services.api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("Token revoked."))
    return redirect("core:tokens")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("This language is not available."))
        return HttpResponseRedirect(next_url, status=303)
    if request.user.is_authenticated:
        services.user_set_language(actor=request.user, language=language)  # type: ignore[arg-type]
    response = HttpResponseRedirect(next_url, status=303)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # a str setting
    )
    return response
