from __future__ import annotations

app_name = "api_access"

urlpatterns: list = []
