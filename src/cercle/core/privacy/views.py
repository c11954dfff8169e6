"""Page: my data — download it, or erase my account (confirmed with my password)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from cercle.core.forms import call_service, form_status
from cercle.core.models import User
from cercle.core.privacy.erasure import person_erase
from cercle.core.privacy.export import personal_data_export


class ErasureForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=200,
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that my account is closed and cannot be restored."),
    )


def zip_response(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    name = f"cercle-mes-donnees-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, person_erase, actor=user, user=user, password=form.cleaned_data["password"]
        )
        if done is not None:
            logout(request)
            messages.success(request, _("Your account was erased. Goodbye."))
            return redirect("core:home")
    return render(request, "core/my_data.html", {"form": form}, status=form_status(form))


@require_safe
@login_required
def my_data_export(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return zip_response(personal_data_export(actor=user, user=user))


urlpatterns = [
    path("compte/mes-donnees/", my_data, name="my_data"),
    path("compte/mes-donnees/export/", my_data_export, name="my_data_export"),
]
