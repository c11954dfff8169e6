"""Views made for the page cache's tests, beside Cercle's own addresses."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import Context, Template
from django.urls import path

from cercle.core.pagecache import cached_page
from cercle.network.models import Person
from cercle.urls import urlpatterns as cercle_urlpatterns

PAGE = Template(
    "{% for m in messages %}<p class=message>{{ m }}</p>{% endfor %}"
    "<form method=post>{% csrf_token %}</form><p>{{ names }}</p><p>{{ htmx }}</p>"
)


def _names() -> str:
    return ",".join(Person.objects.order_by("id").values_list("last_name", flat=True))


@cached_page
def people(request: HttpRequest) -> HttpResponse:
    from django.template.context_processors import csrf

    context = {
        "messages": messages.get_messages(request),
        "names": _names(),
        "htmx": "partial" if request.headers.get("HX-Request") else "whole",
        **csrf(request),
    }
    return HttpResponse(PAGE.render(Context(context)))


@cached_page
def writes(request: HttpRequest) -> HttpResponse:
    person = Person.objects.order_by("id").first()
    assert person is not None
    Person.objects.filter(pk=person.pk).update(first_name=person.first_name + "!")
    return HttpResponse(_names())


@cached_page
def sets_cookie(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_names())
    response.set_cookie("seen", "1")
    return response


@cached_page
def missing(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_names(), status=404)


@cached_page
def as_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"names": _names(), "count": Person.objects.count()})


def tell(request: HttpRequest) -> HttpResponse:
    messages.success(request, "Saved.")
    return redirect("/_test/people/")


urlpatterns = [
    path("_test/people/", people),
    path("_test/writes/", writes),
    path("_test/cookie/", sets_cookie),
    path("_test/missing/", missing),
    path("_test/json/", as_json),
    path("_test/tell/", tell),
    *cercle_urlpatterns,
]
