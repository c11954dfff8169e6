from __future__ import annotations

from cercle.reciprocity.views import declarations, policies, reports

app_name = "reciprocity"

urlpatterns = [
    *policies.urlpatterns,
    *declarations.urlpatterns,
    *reports.urlpatterns,
]
