"""Access-matrix rows of teams: the calendar and the personal iCalendar feed (see
tests/access_rows.py).

The calendar and the feed's settings are open to everyone with a role that uses teams (each
sees the meetings of their own teams); regional analysts get 403. The feed itself needs no
sign-in: its secret address is the key, so everyone, anonymous too, gets 200 for a live
address (a revoked or unknown one answers 404: kooperacja/teams/tests/test_calendar_feed.py).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import ROPS_KIELCE, ROPS_RZESZOW, SCHOOL

USES_TEAMS = answers(200, dict.fromkeys([ROPS_KIELCE, ROPS_RZESZOW], 403))


def _feed_token(persona: Getter) -> dict[str, Any]:
    from kooperacja.teams.feeds import create_feed
    from kooperacja.teams.tests.factories import make_meeting, make_team

    make_meeting(make_team())
    _feed, token = create_feed(persona(SCHOOL))
    return {"token": token}


URL_ROWS: list[UrlRow] = [
    UrlRow("teams:calendar", USES_TEAMS),
    UrlRow("teams:feed_settings", USES_TEAMS, wrong_method="PUT"),
    UrlRow("teams:feed", answers(200, anonymous=200), kwargs=_feed_token),
]
API_ROWS: list[ApiRow] = []
