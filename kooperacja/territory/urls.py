from __future__ import annotations

app_name = "territory"

urlpatterns: list = []
