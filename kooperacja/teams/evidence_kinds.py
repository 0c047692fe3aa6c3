"""What of a team may serve as evidence that an obligation was met (core.evidence)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from kooperacja.core.evidence import register_kind
from kooperacja.teams.models import Meeting, TeamDocument


def _meeting_title(meeting: Meeting) -> str:
    return f"{meeting.listed_title} ({date_format(localtime(meeting.starts_at).date(), 'SHORT_DATE_FORMAT')})"


def register() -> None:
    register_kind(
        Meeting,
        label=_("meeting"),
        title=_meeting_title,
        url=lambda meeting: reverse("teams:meeting", args=[meeting.public_id]),
    )
    register_kind(
        TeamDocument,
        label=_("document"),
        title=lambda document: document.title,
        url=lambda document: reverse("teams:document", args=[document.public_id]),
    )
