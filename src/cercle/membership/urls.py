"""Membership pages: each topic module of `views/` lists its own URL patterns."""

from django.urls import path
from django.views.generic import TemplateView

from cercle.membership.views import contracts as contract_views

app_name = "membership"

_todo = TemplateView.as_view(template_name="core/home.html")

# Contracts (adhesion) — owned by views/contracts.py
contract_patterns = [
    path("adhesion/", contract_views.adhesion_home, name="adhesion_home"),
    path("adhesion/a-traiter/", contract_views.contract_queue, name="contract_queue"),
    path("adhesion/menus/", contract_views.menu_list, name="menu_list"),
    path("adhesion/menus/<uuid:item_id>/", contract_views.menu_item_edit, name="menu_item_edit"),
    path(
        "adhesion/menus/<uuid:item_id>/deplacer/",
        contract_views.menu_item_move,
        name="menu_item_move",
    ),
    path(
        "adhesion/menus/<uuid:item_id>/activer/",
        contract_views.menu_item_active,
        name="menu_item_active",
    ),
    path("adhesion/<uuid:contract_id>/", contract_views.contract_detail, name="contract_detail"),
    path(
        "adhesion/<uuid:contract_id>/commentaires/",
        contract_views.contract_comment,
        name="contract_comment",
    ),
    path(
        "adhesion/<uuid:contract_id>/valider/",
        contract_views.contract_validate,
        name="contract_validate",
    ),
    path(
        "adhesion/<uuid:contract_id>/refuser/",
        contract_views.contract_refuse,
        name="contract_refuse",
    ),
    path(
        "adhesion/<uuid:contract_id>/amender/",
        contract_views.contract_amend,
        name="contract_amend",
    ),
    path("adhesion/<uuid:contract_id>/pdf/", contract_views.contract_pdf, name="contract_pdf"),
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
