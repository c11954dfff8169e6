"""The public directory of circle members who consented to being listed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cercle.core.pagecache import cached_page
from cercle.core.views import paginate
from cercle.membership.forms.charter import DirectoryFilterForm
from cercle.membership.selectors import directory as directory_selectors


@require_safe
@cached_page
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(
        request.GET or None, skill_choices=directory_selectors.directory_skill_choices()
    )
    valid = form.is_bound and form.is_valid()
    filters = form.cleaned_data if valid else {}
    people = directory_selectors.directory_list(
        skill=filters.get("skill", ""), territory=filters.get("territory", "")
    )
    return render(
        request,
        "membership/directory/list.html",
        {"form": form, "page": paginate(request, people)},
        status=400 if form.is_bound and not valid else 200,
    )


@require_safe
def member_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = directory_selectors.directory_get(slug=slug)
    return render(request, "membership/directory/detail.html", {"member": person})
