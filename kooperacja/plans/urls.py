"""URLs of plans, baskets, matching and referrals; each view module lists its own (`urls`)."""

from __future__ import annotations

from kooperacja.plans.views import basket, matching, plans, referrals

app_name = "plans"
urlpatterns = [*plans.urls, *basket.urls, *matching.urls, *referrals.urls]
