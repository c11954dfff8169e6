from __future__ import annotations

from django.urls import path

from cercle.commons import views

app_name = "commons"

urlpatterns = [
    path("communs/", views.common_list, name="list"),
    path("communs/nouveau/", views.common_create, name="create"),
    path("communs/<slug:slug>/", views.common_detail, name="detail"),
    path("communs/<slug:slug>/modifier/", views.common_edit, name="edit"),
    path("communs/<slug:slug>/activation/", views.common_deactivate, name="deactivate"),
]
