from django.urls import path
from django.views.generic import TemplateView

app_name = "membership"

_todo = TemplateView.as_view(template_name="core/home.html")

urlpatterns = [
    path("charte/", _todo, name="charter"),
    path("adhesion/", _todo, name="adhesion_home"),
    path("adhesion/<uuid:contract_id>/", _todo, name="contract_detail"),
    path("engagements/", _todo, name="my_engagements"),
    path("soucieux/", _todo, name="steward_home"),
    path("regulation/<uuid:case_id>/", _todo, name="regulation_detail"),
]
