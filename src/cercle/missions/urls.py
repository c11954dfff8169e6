from __future__ import annotations

from cercle.missions.views import (
    follow_up,
    offers,
    requests,
    selection,
    teams,
    tenders,
    transparency,
)

app_name = "missions"

urlpatterns = [
    *requests.urlpatterns,
    *teams.urlpatterns,
    *offers.urlpatterns,
    *selection.urlpatterns,
    *follow_up.urlpatterns,
    *tenders.urlpatterns,
    *transparency.urlpatterns,
]
