"""Membership pages: each topic module of `views/` lists its own URL patterns."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "membership"

_todo = TemplateView.as_view(template_name="core/home.html")

# Contracts (adhesion) — owned by views/contracts.py
contract_patterns = [
    path("adhesion/", _todo, name="adhesion_home"),
    path("adhesion/<uuid:contract_id>/", _todo, name="contract_detail"),
]

# Charter, circle, engagements, regulation, stewards' home — views/charter.py
charter_patterns = [
    path("charte/", _todo, name="charter"),
    path("engagements/", _todo, name="my_engagements"),
    path("soucieux/", _todo, name="steward_home"),
    path("regulation/<uuid:case_id>/", _todo, name="regulation_detail"),
]

# Public directory — views/directory.py
directory_patterns = [
    path("annuaire/", _todo, name="directory"),
    path("annuaire/<slug:slug>/", _todo, name="member_detail"),
]

urlpatterns = contract_patterns + charter_patterns + directory_patterns
