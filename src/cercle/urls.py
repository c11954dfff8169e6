from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from cercle.api.api import api

urlpatterns = [
    path("", include("cercle.core.urls")),
    path("", include("cercle.network.urls")),
    path("", include("cercle.membership.urls")),
    path("", include("cercle.missions.urls")),
    path("", include("cercle.commons.urls")),
    path("", include("cercle.reciprocity.urls")),
    path("", include("cercle.decisions.urls")),
    path("", include("cercle.events.urls")),
    path("compte/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(  # type: ignore[arg-type]
        settings.MEDIA_URL, document_root=settings.MEDIA_ROOT
    )

handler403 = "cercle.core.handlers.forbidden"
handler404 = "cercle.core.handlers.not_found"
handler500 = "cercle.core.handlers.server_error"
