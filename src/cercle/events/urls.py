from __future__ import annotations

from cercle.events import views

app_name = "events"

urlpatterns = views.urlpatterns
