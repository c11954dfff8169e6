"""Membership pages: each topic module of `views/` lists its own URL patterns."""

from django.urls import path

from cercle.membership.views import charter as charter_views
from cercle.membership.views import circle as circle_views
from cercle.membership.views import contracts as contract_views
from cercle.membership.views import directory as directory_views
from cercle.membership.views import regulation as regulation_views
from cercle.membership.views import steward as steward_views

app_name = "membership"


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
    path("charte/", charter_views.charter, name="charter"),
    path("charte/signer/", charter_views.charter_sign, name="charter_sign"),
    path("charte/versions/", charter_views.charter_versions, name="charter_versions"),
    path(
        "charte/versions/<int:number>/",
        charter_views.charter_version_detail,
        name="charter_version_detail",
    ),
    path("charte/publier/", charter_views.charter_publish, name="charter_publish"),
    path(
        "charte/signatures/<uuid:signature_id>/pdf/",
        charter_views.signature_pdf,
        name="signature_pdf",
    ),
    path("cercle/", circle_views.circle_members, name="circle_members"),
    path("cercle/rejoindre/", circle_views.circle_join, name="circle_join"),
    path("cercle/quitter/", circle_views.circle_leave, name="circle_leave"),
    path("engagements/", circle_views.my_engagements, name="my_engagements"),
    path("engagements/<uuid:check_id>/preuve/", circle_views.check_evidence, name="check_evidence"),
    path("engagements/<uuid:check_id>/revue/", circle_views.check_review, name="check_review"),
    path("soucieux/", steward_views.steward_home, name="steward_home"),
    path("soucieux/a-resigner/", steward_views.steward_resign_list, name="steward_resign_list"),
    path(
        "soucieux/engagements/",
        circle_views.engagement_follow_up,
        name="engagement_follow_up",
    ),
    path(
        "soucieux/engagements/ouvrir/",
        circle_views.engagement_year_open,
        name="engagement_year_open",
    ),
    path("regulation/", regulation_views.regulation_list, name="regulation_list"),
    path("regulation/nouveau/", regulation_views.regulation_raise, name="regulation_raise"),
    path(
        "regulation/<uuid:case_id>/",
        regulation_views.regulation_detail,
        name="regulation_detail",
    ),
    path(
        "regulation/<uuid:case_id>/audition/",
        regulation_views.regulation_hear,
        name="regulation_hear",
    ),
    path(
        "regulation/<uuid:case_id>/decision/",
        regulation_views.regulation_decide,
        name="regulation_decide",
    ),
]

# Public directory — views/directory.py
directory_patterns = [
    path("annuaire/", directory_views.directory, name="directory"),
    path("annuaire/<slug:slug>/", directory_views.member_detail, name="member_detail"),
]

urlpatterns = contract_patterns + charter_patterns + directory_patterns
