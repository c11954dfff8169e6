from django.urls import path
from django.views.generic import TemplateView

app_name = "network"

_todo = TemplateView.as_view(template_name="core/home.html")

urlpatterns = [
    path("personnes/<slug:slug>/", _todo, name="person_detail"),
    path("structures/<slug:slug>/", _todo, name="organization_detail"),
    path("compte/profil/", _todo, name="profile"),
]
