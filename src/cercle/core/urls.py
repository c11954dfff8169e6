from django.urls import path

from cercle.core import views, views_notifications
from cercle.core.privacy import views as privacy_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("journal/", views.journal, name="journal"),
    path("compte/jetons/", views.tokens, name="tokens"),
    path("compte/jetons/<uuid:token_id>/revoquer/", views.token_revoke, name="token_revoke"),
    path("langue/", views.set_language, name="set_language"),
    *views_notifications.urlpatterns,
    *privacy_views.urlpatterns,
]
