"""Demo support for teams, as seeds 001 and 002 tell it: the focus research ROPS Kielce held in
2018 with the partners of G-PZK Mirzec and PCPR Starachowice (its findings name the problems
raised at the consultations, seed 004), the 3-day partner exchange meeting of 2018 (its place is
not in the sources: Sielpia Wielka is the demo's choice), ROPS Kielce's advisory support for
G-PZK Mirzec in 2019–2020, the animator support PCPR Starachowice gave last month, and a little
for the team of Oksa. Support is recorded once it has happened, so nothing here is in the future.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kooperacja.cases.demo import MIRZEC, demo_uuid
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.learning.models import SupportActivity, SupportKind
from kooperacja.teams.models import Team, TeamMember

OKSA = "2602052"
ROPS_KIELCE = "Regionalny Ośrodek Polityki Społecznej Urzędu Marszałkowskiego Województwa Świętokrzyskiego w Kielcach"

FOCUS_FINDINGS = """\
Uczestnicy wskazali jako najpoważniejszą przeszkodę brak wspólnej bazy danych: każda instytucja \
zna rodzinę tylko ze swojej strony, a informacje przekazuje się telefonicznie lub na papierze.

Diagnoza problemów społecznych w gminie jest prowadzona osobno przez każdą instytucję; brakuje \
wspólnego narzędzia i powtarzanej co roku diagnozy środowiska.

Brakuje podmiotu, który inicjuje i koordynuje wspólne działania (Lidera). Partnerzy oczekują, \
że rolę tę przejmie GOPS przy wsparciu animatora z PCPR.

Instytucje nie znają dobrze własnych zasobów ani zakresu zadań partnerów, dlatego trudno im \
formułować wspólne cele i wzajemne oczekiwania.

Członkowie zespołu są przeciążeni pracą i nie otrzymują za nią gratyfikacji; obawiają się, że \
praca zespołu będzie kolejnym obowiązkiem bez realnego wpływu.

Ustalenia: ROPS przekaże wnioski Zespołowi ds. Modelu; G-PZK przygotuje mapę zasobów instytucji \
partnerskich przed kolejnym spotkaniem warsztatowym."""

EXCHANGE_FINDINGS = """\
Zespoły z ośmiu gmin przedstawiły swoje pierwsze doświadczenia współpracy i porównały sposoby \
organizowania spotkań G-PZK.

Partnerzy z Mirca zwrócili uwagę na dobre praktyki wymiany informacji między szkołą, posterunkiem \
policji i GOPS oraz na potrzebę wspólnego kalendarza spotkań.

Ustalenia: zespoły będą wymieniać się materiałami przez platformę edukacyjną, a animatorzy PCPR \
spotkają się ponownie po rozpoczęciu testowania Modelu."""


@dataclass(frozen=True)
class Story:
    key: str
    kind: str
    team: str  # gmina code of the team
    provider: str  # "rops" or "pcpr"
    subject: str
    starts_on: dt.date
    ends_on: dt.date
    place: str
    hours: Decimal
    people: int
    findings: str = ""
    partners: bool = False  # the team's partners of the day take part


def _last_month_workday(today: dt.date, back: int) -> dt.date:
    day = today - dt.timedelta(days=back)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _stories(today: dt.date) -> list[Story]:
    animator_day = _last_month_workday(today, 30)
    oksa_day = _last_month_workday(today, 26)
    return [
        Story(
            "focus-2018", SupportKind.FOCUS, MIRZEC, "rops", "Badanie fokusowe: współpraca instytucji w gminie Mirzec",
            dt.date(2018, 10, 16), dt.date(2018, 10, 16), "Gminny Ośrodek Pomocy Społecznej w Mircu",
            Decimal("4.0"), 12, FOCUS_FINDINGS, partners=True,
        ),
        Story(
            "exchange-2018", SupportKind.EXCHANGE, MIRZEC, "rops", "Partnerskie spotkanie wymiany doświadczeń",
            dt.date(2018, 11, 14), dt.date(2018, 11, 16), "Sielpia Wielka", Decimal("20.0"), 14,
            EXCHANGE_FINDINGS, partners=True,
        ),
        Story(
            "advisory-2019-04", SupportKind.ADVISORY, MIRZEC, "rops", "Doradztwo: plan pracy zespołu na 2019 rok",
            dt.date(2019, 4, 10), dt.date(2019, 4, 10), "Urząd Gminy Mirzec", Decimal("3.0"), 6,
            "Zespół przyjął harmonogram spotkań na 2019 rok. Doradca zalecił przypisanie każdemu zadaniu "
            "instytucji odpowiedzialnej i terminu.",
        ),
        Story(
            "advisory-2019-10", SupportKind.ADVISORY, MIRZEC, "rops", "Doradztwo: jak mierzyć efekty współpracy",
            dt.date(2019, 10, 22), dt.date(2019, 10, 22), "Gminny Ośrodek Pomocy Społecznej w Mircu",
            Decimal("3.0"), 5,
            "Omówiono wskaźniki do planów współpracy z rodzinami. Ustalono, że GOPS przygotuje zestawienie "
            "rodzin objętych programem na koniec roku.",
        ),
        Story(
            "advisory-2020-02", SupportKind.ADVISORY, MIRZEC, "rops", "Doradztwo: mapa zasobów instytucji partnerskich",
            dt.date(2020, 2, 18), dt.date(2020, 2, 18), "Gminny Ośrodek Pomocy Społecznej w Mircu",
            Decimal("2.5"), 7,
            "Partnerzy uzupełnili opisy swoich usług. Do uzupełnienia: oferta BIOK i przedszkola.",
        ),
        Story(
            "animator-last-month", SupportKind.ANIMATOR, MIRZEC, "pcpr",
            "Wsparcie animatora: przygotowanie posiedzenia",
            animator_day, animator_day, "Gminny Ośrodek Pomocy Społecznej w Mircu", Decimal("2.0"), 3,
            "Animatorka pomogła Liderowi przygotować porządek posiedzenia i podsumowanie zadań partnerów.",
        ),
        Story(
            "oksa-advisory-2019", SupportKind.ADVISORY, OKSA, "rops", "Doradztwo: organizacja pracy zespołu",
            dt.date(2019, 5, 14), dt.date(2019, 5, 14), "Gminny Ośrodek Pomocy Społecznej w Oksie",
            Decimal("3.0"), 4, "Zespół ustalił zasady zwoływania posiedzeń i obiegu informacji.",
        ),
        Story(
            "oksa-animator-last-month", SupportKind.ANIMATOR, OKSA, "pcpr",
            "Wsparcie animatora: warsztaty dla rodziców",
            oksa_day, oksa_day, "Gminny Ośrodek Pomocy Społecznej w Oksie", Decimal("1.5"), 3,
            "Animator PCPR omówił z zespołem harmonogram warsztatów dla rodziców.",
        ),
    ]  # fmt: skip


def _make(story: Story, team: Team, provider: Institution, recorder: Any) -> None:
    created = timezone.make_aware(dt.datetime.combine(story.ends_on, dt.time(16, 0)))
    activity = SupportActivity.objects.create(
        public_id=demo_uuid("support", story.key),
        kind=story.kind,
        team=team,
        voivodeship_id=team.county.voivodeship_id,
        provided_by=provider,
        participant_count=story.people,
        starts_on=story.starts_on,
        ends_on=story.ends_on,
        place=story.place,
        hours=story.hours,
        subject=story.subject,
        findings=story.findings,
        recorded_by=recorder,
        created_at=created,
        updated_at=created,
    )
    if story.partners:
        members = TeamMember.objects.current(story.starts_on).filter(team=team)
        activity.participants.set({member.institution_id for member in members} | {provider.pk})


def load(log: Callable[[str], None]) -> None:
    """Create the demo support activities not there yet (idempotent)."""
    today = timezone.localdate()
    stories = _stories(today)
    teams = {
        code: Team.objects.select_related("county").filter(public_id=demo_uuid("team", code)).first()
        for code in (MIRZEC, OKSA)
    }
    rops = Institution.objects.filter(name=ROPS_KIELCE).first()
    if rops is None or any(team is None for team in teams.values()):
        log("Support: the demo teams or ROPS Kielce are missing; demo support skipped.")
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["rops.kielce", "pcpr.starachowice"])}
    existing = set(
        SupportActivity.objects.filter(public_id__in=[demo_uuid("support", s.key) for s in stories]).values_list(
            "public_id", flat=True
        )
    )
    made = 0
    with transaction.atomic():
        for story in stories:
            team = teams[story.team]
            if demo_uuid("support", story.key) in existing or team is None:
                continue
            if story.provider == "rops":
                provider, recorder = rops, users.get("rops.kielce")
            else:
                provider = Institution.objects.get(kind=InstitutionKind.PCPR, county_id=team.county_id)
                recorder = users.get("pcpr.starachowice") if story.team == MIRZEC else None
            _make(story, team, provider, recorder)
            made += 1
    log(f"Support: {len(existing) + made} demo support activities ({made} new).")
