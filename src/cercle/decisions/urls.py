from __future__ import annotations

from cercle.decisions.views import letters, proposals, threads

app_name = "decisions"

urlpatterns = [
    *threads.urlpatterns,
    *proposals.urlpatterns,
    *letters.urlpatterns,
]
