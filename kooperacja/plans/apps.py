from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "kooperacja.plans"
    verbose_name = _("plans and referrals")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kooperacja.core.tasks import register_schedule

        post_migrate.connect(_sync_needs, sender=self)

        # Plan reviews and goals coming due (plans/reminders.py).
        register_schedule("plan-reminders", "kooperacja.plans.reminders.send_plan_reminders", daily_at="06:30")
        # Referrals: unanswered ones expire after midnight; deadline reminders before the 07:00 digest.
        register_schedule("referral-expiry", "kooperacja.plans.referrals.expire_overdue", daily_at="00:15")
        register_schedule("referral-reminders", "kooperacja.plans.referrals.remind_due", daily_at="06:30")


def _sync_needs(**kwargs: object) -> None:
    """Every database gets the shipped needs (data/needs.json) as soon as its tables exist."""
    from kooperacja.plans.needs import sync_needs

    sync_needs()
