from django.urls import path

from cercle.network.views import consultants, organizations, people, skills, territories

app_name = "network"

urlpatterns = [
    # A person's own account pages
    path("compte/profil/", people.profile, name="profile"),
    path(
        "compte/profil/accompagnement/",
        consultants.consultant_profile,
        name="consultant_profile",
    ),
    path(
        "compte/profil/accompagnement/references/nouvelle/",
        consultants.reference_create,
        name="reference_create",
    ),
    path(
        "compte/profil/accompagnement/references/<uuid:reference_id>/",
        consultants.reference_edit,
        name="reference_edit",
    ),
    path(
        "compte/profil/accompagnement/references/<uuid:reference_id>/supprimer/",
        consultants.reference_delete,
        name="reference_delete",
    ),
    # People (members only)
    path("personnes/<slug:slug>/", people.person_detail, name="person_detail"),
    path("personnes/<slug:slug>/niveau/", people.person_set_level, name="person_set_level"),
    # Organizations ("nouvelle" is a reserved slug, see services.organizations)
    path("structures/", organizations.organization_list, name="organization_list"),
    path("structures/nouvelle/", organizations.organization_create, name="organization_create"),
    path("structures/<slug:slug>/", organizations.organization_detail, name="organization_detail"),
    path(
        "structures/<slug:slug>/modifier/",
        organizations.organization_edit,
        name="organization_edit",
    ),
    path(
        "structures/<slug:slug>/membres/",
        organizations.organization_member_add,
        name="organization_member_add",
    ),
    path(
        "structures/<slug:slug>/membres/<uuid:person_id>/role/",
        organizations.organization_member_role,
        name="organization_member_role",
    ),
    path(
        "structures/<slug:slug>/membres/<uuid:person_id>/retirer/",
        organizations.organization_member_remove,
        name="organization_member_remove",
    ),
    # Skills taxonomy
    path("competences/", skills.skill_list, name="skill_list"),
    path("competences/nouvelle/", skills.skill_create, name="skill_create"),
    path("competences/<slug:slug>/modifier/", skills.skill_edit, name="skill_edit"),
    path("competences/<slug:slug>/desactiver/", skills.skill_deactivate, name="skill_deactivate"),
    # Territories
    path("territoires/", territories.territory_search, name="territory_search"),
]
