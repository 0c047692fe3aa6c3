from __future__ import annotations

from django.urls import path

from kooperacja.core.views import audit, home, notifications, public, tasks

app_name = "core"

urlpatterns = [
    # Public pages (no login).
    path("", public.start, name="start"),
    path("accessibility/", public.accessibility, name="accessibility"),
    path("privacy/", public.privacy, name="privacy"),
    path("help/", public.help_index, name="help"),
    path("help/<slug:role>/", public.help_role, name="help_role"),
    # "Moja praca": what waits for the signed-in user.
    path("home/", home.home, name="home"),
    # In-app notifications.
    path("notifications/", notifications.inbox, name="notifications"),
    path("notifications/read-all/", notifications.mark_all_read, name="notifications_read_all"),
    path("notifications/preferences/", notifications.preferences, name="notification_preferences"),
    path("notifications/<uuid:public_id>/read/", notifications.mark_read, name="notification_read"),
    # Background tasks (platform administrators).
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/<str:task_id>/", tasks.task_detail, name="task_detail"),
    # The audit log (managers: their institution; admins: all).
    path("audit/", audit.audit_list, name="audit"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
]
