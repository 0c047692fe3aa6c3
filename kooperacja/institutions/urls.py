from __future__ import annotations

app_name = "institutions"

urlpatterns: list = []
