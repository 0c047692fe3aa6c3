"""Demo cooperation teams (issue #8): G-PZK Mirzec from 2018 to today, and a team in each of
the other seven gminas of the first milestone.

The 2018 part follows the seeds (`../shared/seeds/`): the agreements of 1, 20 and 24 August
2018, the powiat's 8 duties of the agreement of 20 August as obligations with their evidence,
the 9 partners of the team in the order of the agreement of 24 August, the seven workshop
meetings that worked out the Model's assumptions, the two-day "Szkoła kooperacji", the
three-day partner exchange and the focus research. The seeds give no day for the workshops,
the training, the exchange or the focus group: those days (autumn 2018) are chosen here.

Today's part counts back and forward from the day of loading: a meeting held last month whose
decisions became tasks (one done on time, one in progress, one overdue, one due soon), a
meeting next week with invitations answered or not, a case conference two weeks ago about two
Mirzec families who consented to share with the school, and partner survey rounds (two
closed, one open). Every other gmina's team has a held meeting with a task and a planned one.

People and purposes beyond the seeds are fictional. Partners without a demo persona are
represented by demo staff users (logins ending in `.demo`) with an unusable password: they
cannot sign in; they exist so that the team has named representatives and the survey has
enough answers to show.

Loading is idempotent: every team has a public id derived from its gmina, and a team found by
it is left as it is, with everything in it; demo staff are found by their login.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kooperacja.cases.demo import GMINAS, MIRZEC, demo_uuid
from kooperacja.cases.models import Case, Participation, ParticipationKind, TimelineKind
from kooperacja.cases.policies import may_add_partner
from kooperacja.cases.services import record_timeline
from kooperacja.core import evidence
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, InstitutionKind, Membership
from kooperacja.teams.models import (
    Agreement,
    AgreementParty,
    Attendance,
    Decision,
    InvitationResponse,
    Meeting,
    MeetingCase,
    MeetingKind,
    MeetingStatus,
    Obligation,
    ObligationStatus,
    PartyKind,
    Survey,
    SurveyReceipt,
    SurveyResponse,
    Task,
    TaskComment,
    TaskStatus,
    Team,
    TeamDocument,
    TeamMember,
    TeamRole,
)
from kooperacja.territory.models import Municipality, Voivodeship

SWIETOKRZYSKIE = "26"
STARACHOWICKI = "2611"

PCPR = "Powiatowe Centrum Pomocy Rodzinie w Starachowicach"
GOPS = "Gminny Ośrodek Pomocy Społecznej w Mircu"
PUP = "Powiatowy Urząd Pracy w Starachowicach"
UG = "Urząd Gminy w Mircu"
ZOZ = "Samodzielny Publiczny Zakład Opieki Zdrowotnej w Mircu"
BIOK = "Biblioteka i Ośrodek Kultury Gminy Mirzec"
POLICJA = "Posterunek Policji w Mircu"
PRZEDSZKOLE = "Publiczne Przedszkole w Mircu"
SZKOLA = "Publiczna Szkoła Podstawowa w Mircu"
NGO = "Stowarzyszenie „Razem dla Gminy Mirzec”"

MIRZEC_NAME = "Gminno-Powiatowy Zespół Kooperacji w Mircu"
MIRZEC_PURPOSE = (
    "Wsparcie osób starszych i niepełnosprawnych w aktywizacji poprzez łatwiejszy dostęp do oferty gminy "
    "i usług służby zdrowia."
)
FOUNDED = dt.date(2018, 8, 24)
# The testing of the Model began in April 2019; the GOPS named a second worker then.
SECOND_GOPS_WORKER_JOINED = dt.date(2019, 4, 1)


@dataclass(frozen=True)
class DemoStaff:
    """A partner's representative with no demo persona: a fictional person who cannot sign in."""

    username: str
    first_name: str
    last_name: str
    email: str
    institution: str
    role: str


DEMO_STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("pup.starachowice.demo", "Grzegorz", "Pająk", "grzegorz.pajak@pup.starachowice.example", PUP,
              Role.PARTNER_STAFF),
    DemoStaff("ug.mirzec.demo", "Monika", "Adamczyk", "monika.adamczyk@ug.mirzec.example", UG, Role.PARTNER_STAFF),
    DemoStaff("zoz.mirzec.demo", "Elżbieta", "Kruk", "elzbieta.kruk@spzoz.mirzec.example", ZOZ, Role.PARTNER_STAFF),
    DemoStaff("biok.mirzec.demo", "Jolanta", "Bąk", "jolanta.bak@biok.mirzec.example", BIOK, Role.MANAGER),
    DemoStaff("przedszkole.mirzec.demo", "Renata", "Cichoń", "renata.cichon@przedszkole.mirzec.example",
              PRZEDSZKOLE, Role.MANAGER),
)  # fmt: skip


@dataclass(frozen=True)
class Seat:
    """One membership of G-PZK Mirzec: the institution, its representative (None: unnamed), the
    team role and the days of joining and leaving."""

    institution: str
    username: str | None
    role: str = TeamRole.MEMBER
    joined_on: dt.date = FOUNDED
    left_on: dt.date | None = None


# The 9 partners in the order of the agreement of 24 August 2018, then later changes: a second
# GOPS worker, and a local association that took part in the testing and then left.
MIRZEC_SEATS: tuple[Seat, ...] = (
    Seat(PCPR, "pcpr.starachowice", TeamRole.ANIMATOR),
    Seat(GOPS, "lider.mirzec", TeamRole.LEADER),
    Seat(PUP, "pup.starachowice.demo"),
    Seat(UG, "ug.mirzec.demo"),
    Seat(ZOZ, "zoz.mirzec.demo"),
    Seat(BIOK, "biok.mirzec.demo"),
    Seat(POLICJA, "policja.mirzec"),
    Seat(PRZEDSZKOLE, "przedszkole.mirzec.demo"),
    Seat(SZKOLA, "szkola.mirzec"),
    Seat(GOPS, "gops.mirzec", joined_on=SECOND_GOPS_WORKER_JOINED),
    Seat(NGO, None, joined_on=dt.date(2019, 5, 6), left_on=dt.date(2021, 3, 31)),
)
PARTNERS_OF_2018 = tuple(seat.institution for seat in MIRZEC_SEATS[:9])


@dataclass
class Context:
    today: dt.date
    now: dt.datetime
    users: dict[str, Any]
    institutions: dict[str, Institution]
    voivodeship: Voivodeship


# --- Small helpers ---------------------------------------------------------------------------


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _workday(day: dt.date, step: int) -> dt.date:
    """The day itself, or the nearest working day before (step -1) or after (step 1) a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=step)
    return day


def _meeting(
    team: Team, key: str, *, kind: str, title: str, starts_at: dt.datetime, hours: float, **fields: Any
) -> Meeting:
    """A meeting of the team; `minutes` given means it was held, written by the leader."""
    ends_at = fields.pop("ends_at", None) or starts_at + dt.timedelta(hours=hours)
    if fields.get("minutes"):
        fields.setdefault("status", MeetingStatus.HELD)
        fields.setdefault("minutes_at", ends_at + dt.timedelta(days=1))
        fields.setdefault("minutes_by", fields.get("created_by"))
    created = min(starts_at - dt.timedelta(days=10), timezone.now())
    return Meeting.objects.create(
        public_id=demo_uuid("team-meeting", str(team.public_id), key),
        team=team,
        municipality_id=team.municipality_id,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        created_at=created,
        updated_at=fields.get("minutes_at") or created,
        **fields,
    )


def _attend(
    meeting: Meeting,
    members: Sequence[TeamMember],
    *,
    absent: Sequence[str] = (),
    hours: Decimal | None = None,
    answers: Mapping[str, str] | None = None,
) -> None:
    """Invitations to the members and, for a held meeting, who came (all but `absent`, by login
    or by institution name for an unnamed member) for the meeting's length unless `hours`."""
    held = meeting.status == MeetingStatus.HELD
    invited_at = min(meeting.starts_at - dt.timedelta(days=7), timezone.now() - dt.timedelta(days=3))
    for member in members:
        who = member.user.username if member.user is not None else member.institution.name
        came = held and who not in absent
        Attendance.objects.create(
            meeting=meeting,
            institution=member.institution,
            user=member.user,
            invited_at=invited_at,
            response=(answers or {}).get(who, InvitationResponse.ACCEPTED if held else InvitationResponse.PENDING),
            attended=came if held else None,
            hours=(hours or Decimal(str(meeting.hours))) if came else None,
        )


def _decide(meeting: Meeting, texts: Sequence[str]) -> list[Decision]:
    return [
        Decision.objects.create(
            meeting=meeting, number=number, text=text, created_by=meeting.minutes_by, created_at=meeting.ends_at
        )
        for number, text in enumerate(texts, start=1)
    ]


@dataclass(frozen=True)
class TaskStory:
    """A task from a decision: whose it is (an institution, and a login when a person is named),
    due how many days from today, its status and, when done, how many days before today."""

    key: str
    title: str
    institution: str
    username: str | None
    due_in: int
    status: str = TaskStatus.OPEN
    done_days_ago: int | None = None
    comments: tuple[tuple[str, int, str], ...] = ()  # (login, days ago, text)


def _task(ctx: Context, team: Team, decision: Decision, story: TaskStory, institution: Institution) -> Task:
    created_at = decision.created_at
    done_on = ctx.today - dt.timedelta(days=story.done_days_ago) if story.done_days_ago is not None else None
    task = Task.objects.create(
        public_id=demo_uuid("team-task", str(team.public_id), story.key),
        team=team,
        decision=decision,
        title=story.title,
        owner_institution=institution,
        owner_user=ctx.users.get(story.username or ""),
        due_on=ctx.today + dt.timedelta(days=story.due_in),
        status=story.status,
        done_on=done_on,
        created_by=decision.created_by,
        created_at=created_at,
        updated_at=_at(done_on, 15) if done_on else created_at,
    )
    for username, days_ago, text in story.comments:
        TaskComment.objects.create(
            task=task,
            author=ctx.users[username],
            text=text,
            created_at=_at(ctx.today - dt.timedelta(days=days_ago), 13),
        )
    return task


# --- Demo staff ------------------------------------------------------------------------------


def _demo_staff(institutions: dict[str, Institution]) -> None:
    """The demo staff users and their memberships; an existing login is left as it is. They
    stand for the partners' representatives in the team and are inactive accounts: nobody signs
    in as them, and no reminder or e-mail goes to them (the directory's upkeep reminders, say)."""
    user_model = get_user_model()
    for staff in DEMO_STAFF:
        user, created = user_model.objects.get_or_create(
            username=staff.username,
            defaults={
                "first_name": staff.first_name,
                "last_name": staff.last_name,
                "email": staff.email,
                "is_active": False,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, institution=institutions[staff.institution], role=staff.role, revoked_at=None
        )


# --- G-PZK Mirzec: the team and its members --------------------------------------------------


def _mirzec_team(ctx: Context, gmina: Municipality) -> tuple[Team, list[TeamMember]]:
    team = Team.objects.create(
        public_id=demo_uuid("team", gmina.code),
        name=MIRZEC_NAME,
        municipality=gmina,
        county=gmina.county,
        purpose=MIRZEC_PURPOSE,
        founded_on=FOUNDED,
        created_at=_at(FOUNDED, 12),
        updated_at=_at(FOUNDED, 12),
    )
    members = [
        TeamMember.objects.create(
            team=team,
            institution=ctx.institutions[seat.institution],
            user=ctx.users.get(seat.username or ""),
            role=seat.role,
            joined_on=seat.joined_on,
            left_on=seat.left_on,
            added_by=ctx.users["lider.mirzec"],
        )
        for seat in MIRZEC_SEATS
    ]
    return team, members


# --- 2018: the agreements --------------------------------------------------------------------

POWIAT_DUTIES: tuple[str, ...] = (
    "Wskazanie pracownika z Powiatowego Centrum Pomocy Rodzinie, który wyraził zgodę na uczestnictwo w Projekcie, "
    "i akceptacja pełnienia przez niego funkcji animatora.",
    "Umożliwienie osobie, o której mowa w pkt 1, oraz innym niezbędnym podmiotom uczestnictwa w działaniach "
    "związanych z wypracowaniem założeń do modelu kooperacji.",
    "Udział podmiotów powołanych do G-PZK w szkoleniach (2 szkolenia jednodniowe), w 3-dniowym partnerskim "
    "spotkaniu wymiany doświadczeń (1 spotkanie) i w badaniach fokusowych organizowanych przez ROPS w Kielcach.",
    "Udział w wypracowaniu założeń do modelu kooperacji, w tym podczas spotkań w Gminno-Powiatowym Zespole Kooperacji.",
    "Prezentacja przez osoby zaangażowane w realizację projektu jego założeń na posiedzeniach Rady Powiatu "
    "i innych spotkaniach.",
    "Współpraca i animacja w zakresie powołania i funkcjonowania G-PZK.",
    "Udział w konsultacjach w zakresie wypracowania założeń do Modelu Kooperacji, zgłaszanie uwag.",
    "Współpraca z podmiotami i innymi jednostkami gminnymi działającymi na terenie powiatu i gminy w zakresie "
    "pomocy i integracji społecznej na rzecz rodziny i osób potrzebujących, w zakresie koniecznym do realizacji "
    "porozumienia.",
)
# Obligations still open (number -> note); the others were fulfilled by the end of 2018.
DUTIES_IN_PROGRESS = {
    7: "Konsultacje Modelu trwają; zespół zgłasza uwagi na bieżąco przez animatorkę PCPR.",
    8: "Współpraca stała, prowadzona przez cały czas działania zespołu.",
}
PROJECT = "„Liderzy kooperacji”"


def _party(agreement: Agreement, kind: str, represented_by: str = "", **target: Any) -> AgreementParty:
    return AgreementParty.objects.create(agreement=agreement, kind=kind, represented_by=represented_by, **target)


def _agreement(team: Team, key: str, *, title: str, subject: str, signed_on: dt.date, place: str, by: Any) -> Agreement:
    return Agreement.objects.create(
        public_id=demo_uuid("team-agreement", str(team.public_id), key),
        team=team,
        title=title,
        subject=subject,
        signed_on=signed_on,
        place=place,
        created_by=by,
        created_at=_at(signed_on, 15),
        updated_at=_at(signed_on, 15),
    )


def _agreement_of_20_august(ctx: Context, team: Team) -> tuple[Agreement, AgreementParty]:
    agreement = _agreement(
        team,
        "2018-08-20",
        title=f"Porozumienie o współpracy w sprawie realizacji projektu {PROJECT}",
        subject=(
            f"Współpraca Województwa Świętokrzyskiego, Gminy Mirzec i Powiatu Starachowickiego w realizacji projektu "
            f"{PROJECT}: wypracowanie założeń Modelu Kooperacji w Gminie Mirzec."
        ),
        signed_on=dt.date(2018, 8, 20),
        place="Kielce",
        by=ctx.users["lider.mirzec"],
    )
    _party(
        agreement,
        PartyKind.VOIVODESHIP,
        "Urząd Marszałkowski Województwa Świętokrzyskiego w Kielcach",
        voivodeship=ctx.voivodeship,
    )
    _party(agreement, PartyKind.MUNICIPALITY, "Wójt Gminy Mirzec", municipality=team.municipality)
    powiat = _party(agreement, PartyKind.COUNTY, "Zarząd Powiatu Starachowickiego", county=team.county)
    return agreement, powiat


def _agreement_of_24_august(ctx: Context, team: Team) -> None:
    agreement = _agreement(
        team,
        "2018-08-24",
        title="Porozumienie o współpracy partnerów w celu opracowania Modelu Kooperacji",
        subject="Partnerzy Gminno-Powiatowego Zespołu Kooperacji w Gminie Mirzec wspólnie opracowują Model Kooperacji.",
        signed_on=FOUNDED,
        place="Mirzec",
        by=ctx.users["lider.mirzec"],
    )
    for name in PARTNERS_OF_2018:
        _party(agreement, PartyKind.INSTITUTION, institution=ctx.institutions[name])


def _powiat_obligations(
    ctx: Context, agreement: Agreement, powiat: AgreementParty, evidence_of: dict[int, Sequence[Any]]
) -> None:
    """The powiat's 8 duties: fulfilled with their evidence, except those still in progress."""
    animator = ctx.users["pcpr.starachowice"]
    for number, text in enumerate(POWIAT_DUTIES, start=1):
        open_note = DUTIES_IN_PROGRESS.get(number)
        obligation = Obligation.objects.create(
            public_id=demo_uuid("team-obligation", str(agreement.public_id), str(number)),
            agreement=agreement,
            party=powiat,
            number=number,
            text=text,
            due_on=None if open_note else dt.date(2018, 12, 31),
            status=ObligationStatus.IN_PROGRESS if open_note else ObligationStatus.FULFILLED,
            status_note=open_note or "",
            updated_by=animator,
            updated_at=_at(dt.date(2018, 12, 28), 12) if not open_note else ctx.now - dt.timedelta(days=40),
        )
        for shown in evidence_of.get(number, ()):
            evidence.link(obligation, shown, actor=animator)


# --- 2018: the workshops and the project's other meetings ------------------------------------

# (day, topic, minutes, decisions). The seeds say seven workshops were held in autumn 2018 but
# give no days: these Wednesdays are chosen for the demo.
WORKSHOPS: tuple[tuple[dt.date, str, str, tuple[str, ...]], ...] = (
    (
        dt.date(2018, 9, 12),
        "Powołanie zespołu i zasady pracy G-PZK",
        "Partnerzy przedstawili swoje instytucje i zadania. Animatorka PCPR omówiła cel projektu i rolę zespołu "
        "w wypracowaniu założeń Modelu Kooperacji. Ustalono zasady pracy i harmonogram spotkań.",
        (
            "Przyjęto harmonogram siedmiu spotkań warsztatowych do grudnia 2018 r.",
            "Koordynację prac zespołu powierzono kierownikowi GOPS w Mircu jako Liderowi.",
        ),
    ),
    (
        dt.date(2018, 9, 26),
        "Diagnoza potrzeb osób starszych i niepełnosprawnych w gminie",
        "Zespół zestawił dane instytucji o seniorach i osobach z niepełnosprawnością. Wskazano bariery: dojazd "
        "do lekarzy specjalistów, samotność, brak informacji o ofercie gminy.",
        ("Każdy partner przekaże do GOPS dane o liczbie osób starszych, którym pomaga.",),
    ),
    (
        dt.date(2018, 10, 10),
        "Zasoby instytucji partnerskich",
        "Partnerzy opisali usługi, które mogą zaoferować mieszkańcom, i wolne miejsca. Powstał pierwszy wykaz "
        "zasobów gminy i powiatu.",
        (),
    ),
    (
        dt.date(2018, 10, 24),
        "Przepływ informacji między instytucjami",
        "Omówiono, jak instytucje przekazują sobie informacje o rodzinach i jakie zgody są potrzebne. Ustalono "
        "osoby do kontaktu w każdej instytucji.",
        ("Partnerzy wyznaczają osoby do kontaktu i wymieniają ich dane do 7 listopada 2018 r.",),
    ),
    (
        dt.date(2018, 11, 14),
        "Rola Lidera i animatora w kooperacji",
        "Zespół omówił zadania Lidera zespołu i animatora PCPR oraz sposób podejmowania wspólnych decyzji.",
        (),
    ),
    (
        dt.date(2018, 11, 28),
        "Koszyk usług i indywidualny program współpracy",
        "Na przykładzie zanonimizowanej sytuacji rodziny zespół ułożył koszyk usług z oferty kilku instytucji "
        "i omówił, jak wyznaczać cele współpracy z rodziną.",
        (),
    ),
    (
        dt.date(2018, 12, 12),
        "Podsumowanie założeń Modelu Kooperacji dla Gminy Mirzec",
        "Zespół przyjął założenia Modelu Kooperacji wypracowane na warsztatach i wnioski do konsultacji. "
        "Podziękowano partnerom za udział.",
        ("Założenia Modelu wypracowane przez zespół przekazuje się do ROPS w Kielcach.",),
    ),
)
# Who missed which workshop, by login.
WORKSHOP_ABSENCES: dict[int, tuple[str, ...]] = {
    2: ("przedszkole.mirzec.demo",),
    3: ("policja.mirzec",),
    5: ("pup.starachowice.demo", "zoz.mirzec.demo"),
    6: ("ug.mirzec.demo",),
}
UG_HALL = "Urząd Gminy w Mircu, sala konferencyjna, Mirzec-Majorat 1"


def _workshops(ctx: Context, team: Team, members: list[TeamMember]) -> list[Meeting]:
    leader = ctx.users["lider.mirzec"]
    partners = [m for m in members if m.joined_on <= FOUNDED and m.left_on is None]
    held = []
    for number, (day, topic, minutes, decisions) in enumerate(WORKSHOPS, start=1):
        meeting = _meeting(
            team,
            f"workshop-{number}",
            kind=MeetingKind.WORKSHOP,
            title=f"Warsztat G-PZK nr {number}: {topic}",
            starts_at=_at(day, 10),
            hours=4,
            place=UG_HALL,
            agenda=f"1. {topic}.\n2. Wnioski do założeń Modelu Kooperacji.\n3. Sprawy różne.",
            minutes=minutes,
            created_by=leader,
        )
        _attend(meeting, partners, absent=WORKSHOP_ABSENCES.get(number, ()))
        _decide(meeting, decisions)
        held.append(meeting)
    return held


def _project_events(ctx: Context, team: Team, members: list[TeamMember]) -> dict[str, Meeting]:
    """The training, the partner exchange and the focus research of 2018 (seed 001), attended by
    the Lider and the animator; days and places chosen for the demo."""
    delegates = [m for m in members if m.user is not None and m.user.username in ("lider.mirzec", "pcpr.starachowice")]
    leader = ctx.users["lider.mirzec"]
    training = _meeting(
        team,
        "training-2018",
        kind=MeetingKind.TRAINING,
        title="„Szkoła kooperacji” – szkolenie dwudniowe",
        starts_at=_at(dt.date(2018, 9, 20), 9),
        hours=0,
        ends_at=_at(dt.date(2018, 9, 21), 16),
        place="Kielce, ROPS, ul. Witosa 86",
        agenda="Komunikacja, negocjacje i budowanie efektywnej kooperacji.",
        minutes="Lider zespołu i animatorka PCPR ukończyli dwudniowe szkolenie regionalnej Szkoły kooperacji.",
        created_by=leader,
    )
    _attend(training, delegates, hours=Decimal("14.0"))
    exchange = _meeting(
        team,
        "exchange-2018",
        kind=MeetingKind.EXCHANGE_VISIT,
        title="Partnerskie spotkanie wymiany doświadczeń (3 dni)",
        starts_at=_at(dt.date(2018, 10, 16), 10),
        hours=0,
        ends_at=_at(dt.date(2018, 10, 18), 14),
        place="Województwo podkarpackie, gminy partnerskie projektu",
        agenda="Wizyty studyjne w instytucjach gmin partnerskich; wymiana doświadczeń zespołów kooperacji.",
        minutes="Przedstawiciele zespołu poznali rozwiązania gmin partnerskich i przekazali wnioski zespołowi.",
        created_by=leader,
    )
    _attend(exchange, delegates, hours=Decimal("20.0"))
    focus = _meeting(
        team,
        "focus-2018",
        kind=MeetingKind.FOCUS_GROUP,
        title="Badanie fokusowe ROPS w Kielcach",
        starts_at=_at(dt.date(2018, 11, 20), 11),
        hours=3,
        place="Kielce, ROPS, ul. Witosa 86",
        agenda="Wywiad grupowy o współpracy instytucji w gminach wiejskich.",
        minutes="Przedstawiciele zespołu wzięli udział w wywiadzie grupowym prowadzonym przez badaczy ROPS.",
        created_by=leader,
    )
    _attend(focus, delegates)
    return {"training": training, "exchange": exchange, "focus": focus}


# --- 2018: the information for the Rada Powiatu (a team document) ----------------------------

COUNCIL_INFORMATION = (
    "Informacja na temat projektu „Liderzy kooperacji”",
    "",
    "Sporządzona w związku z § 5 pkt 5 porozumienia zawartego 20 sierpnia 2018 r.",
    "pomiędzy Województwem Świętokrzyskim, Gminą Mirzec i Powiatem Starachowickim.",
    "",
    "W 2018 r. PCPR w Starachowicach wzięło udział w badaniach fokusowych, dwudniowym",
    "szkoleniu „Szkoła kooperacji”, trzydniowym partnerskim spotkaniu wymiany",
    "doświadczeń, 7 spotkaniach G-PZK i konsultacjach Modelu Kooperacji.",
    "",
    "Główny cel projektu w Gminie Mirzec: wsparcie osób starszych i niepełnosprawnych",
    "w aktywizacji poprzez łatwiejszy dostęp do oferty gminy i usług służby zdrowia.",
)
# Polish letters and quotes have no place in the standard PDF encoding: they get the codes
# from 128 on through the font's /Differences.
_PDF_GLYPHS = "ąćęłńśźżĄĆĘŁŃŚŹŻ„”–"
_PDF_GLYPH_NAMES = (
    "/aogonek /cacute /eogonek /lslash /nacute /sacute /zacute /zdotaccent /Aogonek /Cacute /Eogonek /Lslash "
    "/Nacute /Sacute /Zacute /Zdotaccent /quotedblbase /quotedblright /endash"
)


def _pdf_text(line: str) -> bytes:
    encoded = bytearray()
    for char in line:
        code = 128 + _PDF_GLYPHS.index(char) if char in _PDF_GLYPHS else ord(char)
        if char in "()\\":
            encoded += b"\\"
        encoded.append(code)
    return bytes(encoded)


def simple_pdf(lines: Sequence[str]) -> bytes:
    """A one-page PDF of plain lines in Helvetica: enough for a demo document, with no PDF
    library (and no Pango) needed to load the demo."""
    text = b"BT /F1 11 Tf 56 780 Td 16 TL " + b" ".join(b"(" + _pdf_text(line) + b") Tj T*" for line in lines) + b" ET"
    font = (
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
        f"/BaseEncoding /WinAnsiEncoding /Differences [128 {_PDF_GLYPH_NAMES}] >> >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        font.encode("ascii"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _council_information(ctx: Context, team: Team) -> TeamDocument:
    content = simple_pdf(COUNCIL_INFORMATION)
    document = TeamDocument(
        public_id=demo_uuid("team-document", str(team.public_id), "council-information"),
        team=team,
        title="Informacja o projekcie „Liderzy kooperacji” dla Rady Powiatu (§ 5 pkt 5 porozumienia)",
        original_name="informacja-liderzy-kooperacji.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=ctx.users["pcpr.starachowice"],
        uploaded_at=_at(dt.date(2018, 12, 20), 11),
    )
    document.file.save("informacja.pdf", ContentFile(content), save=False)
    document.save()
    return document


def _year_2018(ctx: Context, team: Team, members: list[TeamMember]) -> None:
    workshops = _workshops(ctx, team, members)
    events = _project_events(ctx, team, members)
    document = _council_information(ctx, team)
    agreement, powiat = _agreement_of_20_august(ctx, team)
    _agreement_of_24_august(ctx, team)
    _powiat_obligations(
        ctx,
        agreement,
        powiat,
        {
            1: [workshops[0]],
            2: [events["training"], workshops[1]],
            3: [events["training"], events["exchange"], events["focus"]],
            4: workshops,
            5: [document],
            6: [workshops[0], workshops[-1]],
        },
    )


# --- Today: the meeting held last month, its decisions and tasks ------------------------------

LAST_MONTH_DECISIONS = (
    "Przygotować wspólny miesięczny kalendarz zajęć dla seniorów (BiOK, GOPS, SP ZOZ) i przekazać go sołtysom.",
    "Uruchomić raz w miesiącu dyżur dzielnicowego w Klubie Seniora.",
    "Zorganizować dowóz seniorów z sołectw na badania profilaktyczne w SP ZOZ.",
)
# decision number -> its tasks; "due_in" counts from today.
LAST_MONTH_TASKS: dict[int, tuple[TaskStory, ...]] = {
    1: (
        TaskStory(
            "calendar",
            "Kalendarz zajęć dla seniorów na kolejny miesiąc",
            BIOK,
            "biok.mirzec.demo",
            due_in=-16,
            status=TaskStatus.DONE,
            done_days_ago=18,
            comments=(("biok.mirzec.demo", 18, "Kalendarz wydrukowany i przekazany sołtysom oraz do Klubu Seniora."),),
        ),
        TaskStory(
            "volunteers",
            "Zgłosić uczniów-wolontariuszy do warsztatów „Senior w sieci”",
            SZKOLA,
            "szkola.mirzec",
            due_in=2,
        ),
    ),
    2: (
        TaskStory(
            "police-duty",
            "Grafik dyżurów dzielnicowego w Klubie Seniora",
            POLICJA,
            "policja.mirzec",
            due_in=-9,
            comments=(
                ("policja.mirzec", 11, "Grafik czeka na zatwierdzenie przez komendanta; pierwszy dyżur możliwy "
                 "w przyszłym miesiącu."),
                ("lider.mirzec", 8, "Dziękuję. Proszę o informację po zatwierdzeniu – dopiszemy dyżur do "
                 "kalendarza zajęć."),
            ),
        ),
    ),
    3: (
        TaskStory(
            "transport",
            "Terminy badań profilaktycznych dla seniorów z dowozem",
            ZOZ,
            "zoz.mirzec.demo",
            due_in=21,
            status=TaskStatus.IN_PROGRESS,
            comments=(("zoz.mirzec.demo", 5, "Uzgodniono badania w dwie soboty; czekamy na potwierdzenie dowozu."),),
        ),
        TaskStory("route", "Ustalić trasę dowozu z sołectw z przewoźnikiem gminnym", UG, None, due_in=30),
    ),
}  # fmt: skip


def _last_month(ctx: Context, team: Team, members: list[TeamMember]) -> None:
    day = _workday(ctx.today - dt.timedelta(days=30), -1)
    meeting = _meeting(
        team,
        "last-month",
        kind=MeetingKind.TEAM_MEETING,
        title="Posiedzenie G-PZK: przegląd działań na rzecz seniorów",
        starts_at=_at(day, 10),
        hours=2,
        place="Urząd Gminy w Mircu, sala narad",
        agenda="1. Informacja Lidera o działaniach zespołu.\n2. Oferta dla seniorów: zajęcia, zdrowie, "
        "bezpieczeństwo.\n3. Wnioski i podział zadań.",
        minutes="Lider przedstawił informację o działaniach zespołu w minionym kwartale. Partnerzy omówili ofertę "
        "dla seniorów: zajęcia w BiOK, badania profilaktyczne w SP ZOZ i bezpieczeństwo. Przedstawicielka "
        "przedszkola usprawiedliwiła nieobecność. Podjęto trzy ustalenia i podzielono zadania.",
        created_by=ctx.users["lider.mirzec"],
    )
    _attend(meeting, _current_named(members, day), absent=("przedszkole.mirzec.demo",))
    for decision in _decide(meeting, LAST_MONTH_DECISIONS):
        for story in LAST_MONTH_TASKS.get(decision.number, ()):
            _task(ctx, team, decision, story, ctx.institutions[story.institution])


def _current_named(members: list[TeamMember], day: dt.date) -> list[TeamMember]:
    return [m for m in members if m.user is not None and m.joined_on <= day and (m.left_on is None or m.left_on > day)]


# --- Today: the meeting next week --------------------------------------------------------------

NEXT_WEEK_ANSWERS = {
    "policja.mirzec": InvitationResponse.DECLINED,
    "przedszkole.mirzec.demo": InvitationResponse.DECLINED,
    "lider.mirzec": InvitationResponse.ACCEPTED,
    "pcpr.starachowice": InvitationResponse.ACCEPTED,
    "szkola.mirzec": InvitationResponse.ACCEPTED,
    "gops.mirzec": InvitationResponse.ACCEPTED,
    "ug.mirzec.demo": InvitationResponse.ACCEPTED,
}  # the others have not answered yet


def _next_week(ctx: Context, team: Team, members: list[TeamMember]) -> None:
    day = _workday(ctx.today + dt.timedelta(days=7), 1)
    meeting = _meeting(
        team,
        "next-week",
        kind=MeetingKind.TEAM_MEETING,
        title="Posiedzenie G-PZK: plan działań na kolejny kwartał",
        starts_at=_at(day, 10),
        hours=2,
        place="Urząd Gminy w Mircu, sala narad",
        agenda="1. Realizacja zadań z poprzedniego posiedzenia.\n2. Wyniki ankiety partnerskiej.\n"
        "3. Plan działań na kolejny kwartał.",
        created_by=ctx.users["lider.mirzec"],
    )
    _attend(meeting, _current_named(members, ctx.today), answers=NEXT_WEEK_ANSWERS)


# --- Today: the case conference two weeks ago -------------------------------------------------

# Mirzec demo case number -> the part of the minutes about it. Both families consented to share
# with the school (cases.demo SCHOOL_CASES); the police post has no consent for either.
CONFERENCE_CASES: dict[int, str] = {
    1: "Frekwencja dzieci w szkole wyraźnie się poprawiła; pedagog szkolny kontynuuje cotygodniowe konsultacje. "
    "Rodzina rozpoczęła terapię rodzinną w PCPR. Kolejny przegląd planu za trzy miesiące.",
    2: "Córka uczęszcza na zajęcia wyrównawcze w świetlicy szkolnej. Ojciec zgłosił gotowość do terapii "
    "uzależnienia; GOPS pomoże w zapisie do poradni SP ZOZ w Mircu.",
}
CONFERENCE_PEOPLE = ("lider.mirzec", "gops.mirzec", "szkola.mirzec", "pcpr.starachowice", "policja.mirzec")


def _case_conference(ctx: Context, team: Team, members: list[TeamMember]) -> None:
    day = _workday(ctx.today - dt.timedelta(days=14), -1)
    leader = ctx.users["lider.mirzec"]
    meeting = _meeting(
        team,
        "case-conference",
        kind=MeetingKind.CASE_CONFERENCE,
        title="Konferencja w sprawie",
        starts_at=_at(day, 12),
        hours=1.5,
        place="GOPS w Mircu, pokój nr 4",
        agenda="Omówienie sytuacji dwóch rodzin objętych współpracą; uzgodnienie dalszych działań.",
        minutes="Omówiono sytuację dwóch rodzin. Ustalenia dotyczące każdej rodziny zapisano w jej sprawie.",
        created_by=leader,
    )
    people = [m for m in _current_named(members, day) if m.user is not None and m.user.username in CONFERENCE_PEOPLE]
    _attend(meeting, people)
    keys = {demo_uuid("case", f"mirzec-{number}"): number for number in CONFERENCE_CASES}
    for case in Case.objects.filter(public_id__in=keys).select_related("municipality").order_by("id"):
        _discuss(meeting, case, CONFERENCE_CASES[keys[case.public_id]], {m.institution for m in people}, leader)


def _discuss(meeting: Meeting, case: Case, minutes: str, institutions: set[Institution], actor: Any) -> None:
    """The case part of the minutes, on the case's timeline, and a participation of each other
    institution at the conference that the family's consent allows (cases.policies)."""
    link = MeetingCase.objects.create(
        meeting=meeting, case=case, municipality=case.municipality, minutes=minutes, added_by=actor,
        added_at=meeting.starts_at,
    )  # fmt: skip
    day = timezone.localdate(meeting.starts_at)
    entry = record_timeline(
        case,
        TimelineKind.MEETING,
        f"Konferencja w sprawie {day:%d.%m.%Y}: {minutes}",
        actor=actor,
        institution=case.institution,
        category="plan",
        source=link,
    )
    entry.occurred_at = meeting.ends_at
    entry.save(update_fields=["occurred_at"])
    for institution in sorted(institutions, key=lambda one: one.pk):
        if institution.pk == case.institution_id or not may_add_partner(case, institution, day):
            continue
        Participation.objects.create(
            case=case,
            institution=institution,
            municipality=case.municipality,
            kind=ParticipationKind.CASE_CONFERENCE,
            source_type="teams.meeting",
            source_id=str(meeting.public_id),
            started_at=meeting.starts_at,
        )


# --- Today: the partner survey ---------------------------------------------------------------

# Scores in the order of SURVEY_ITEMS: communication, goals, expectations, information, benefit, workload.
Scores = tuple[int, int, int, int, int, int]
EARLIER_ANSWERS: tuple[tuple[Scores, str], ...] = (
    ((3, 4, 3, 2, 4, 2), "Informacje o spotkaniach przychodzą za późno."),
    ((4, 4, 3, 3, 4, 3), ""),
    ((3, 3, 2, 3, 4, 2), "Za dużo pracy przy dokumentach."),
    ((4, 5, 3, 3, 5, 3), ""),
    ((3, 4, 3, 2, 3, 3), "Potrzebny wspólny kalendarz."),
    ((4, 4, 4, 3, 4, 2), ""),
    ((3, 4, 3, 3, 4, 3), ""),
)
LAST_QUARTER_ANSWERS: tuple[tuple[Scores, str], ...] = (
    ((4, 5, 4, 4, 5, 3), "Wspólny kalendarz bardzo pomógł."),
    ((5, 5, 4, 4, 5, 3), ""),
    ((4, 4, 4, 3, 4, 2), "Spotkania mogłyby być krótsze."),
    ((4, 5, 3, 4, 5, 3), ""),
    ((5, 4, 4, 4, 4, 3), ""),
    ((4, 4, 4, 4, 5, 2), "Prosimy o więcej czasu na zadania."),
)
OPEN_ANSWERS: tuple[tuple[Scores, str], ...] = (
    ((4, 5, 4, 4, 5, 3), ""),
    ((5, 4, 4, 3, 4, 3), "Dobra współpraca z GOPS."),
)
EARLIER_RESPONDENTS = (
    "lider.mirzec", "pcpr.starachowice", "szkola.mirzec", "policja.mirzec", "pup.starachowice.demo",
    "zoz.mirzec.demo", "biok.mirzec.demo",
)  # fmt: skip
LAST_QUARTER_RESPONDENTS = (
    "lider.mirzec", "pcpr.starachowice", "szkola.mirzec", "policja.mirzec", "zoz.mirzec.demo", "biok.mirzec.demo",
)  # fmt: skip
OPEN_RESPONDENTS = ("pup.starachowice.demo", "ug.mirzec.demo")


QUARTERS = ("I", "II", "III", "IV")


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _survey(
    ctx: Context,
    team: Team,
    key: str,
    opens_on: dt.date,
    closes_on: dt.date,
    answers: Sequence[tuple[Scores, str]],
    respondents: Sequence[str],
) -> None:
    """A survey round with its anonymous answers and, apart from them, who answered."""
    survey = Survey.objects.create(
        public_id=demo_uuid("team-survey", str(team.public_id), key),
        team=team,
        title=f"Ankieta partnerska – {QUARTERS[(opens_on.month - 1) // 3]} kwartał {opens_on.year}",
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=ctx.users["lider.mirzec"],
        created_at=_at(opens_on, 8),
    )
    items = ("communication", "goals", "expectations", "information", "benefit", "workload")
    for scores, comment in answers:
        SurveyResponse.objects.create(survey=survey, comment=comment, **dict(zip(items, scores, strict=True)))
    for index, username in enumerate(respondents):
        answered_on = min(opens_on + dt.timedelta(days=1 + index), closes_on, ctx.today)
        SurveyReceipt.objects.create(survey=survey, user=ctx.users[username], answered_on=answered_on)


def _surveys(ctx: Context, team: Team) -> None:
    last_quarter = _quarter_start(_quarter_start(ctx.today) - dt.timedelta(days=1))
    year_before = dt.date(last_quarter.year - 1, last_quarter.month, 1)
    for key, start, answers, respondents in (
        ("year-before", year_before, EARLIER_ANSWERS, EARLIER_RESPONDENTS),
        ("last-quarter", last_quarter, LAST_QUARTER_ANSWERS, LAST_QUARTER_RESPONDENTS),
    ):
        opens_on = start + dt.timedelta(days=14)
        _survey(ctx, team, key, opens_on, opens_on + dt.timedelta(days=14), answers, respondents)
    opens_on = ctx.today - dt.timedelta(days=5)
    _survey(ctx, team, "open", opens_on, ctx.today + dt.timedelta(days=9), OPEN_ANSWERS, OPEN_RESPONDENTS)


def _mirzec(ctx: Context, gmina: Municipality) -> None:
    team, members = _mirzec_team(ctx, gmina)
    _year_2018(ctx, team, members)
    _last_month(ctx, team, members)
    _next_week(ctx, team, members)
    _case_conference(ctx, team, members)
    _surveys(ctx, team)


# --- The other gminas of the first milestone --------------------------------------------------


@dataclass(frozen=True)
class OtherTeam:
    """A team of another milestone gmina: its purpose, the institutions beyond its GOPS and PCPR
    (the demo has few there), the held meeting's decision and task, the planned meeting's topic
    and, for the gminas that signed on 1 August 2018 (seed 000), the powiat's representation."""

    code: str
    purpose: str
    decision: str
    task: str
    planned: str
    others: tuple[str, ...] = ()
    powiat_of_1_august: str = ""


OTHER_TEAMS: tuple[OtherTeam, ...] = (
    OtherTeam(
        "2602052",
        "Wsparcie rodziców w wychowaniu dzieci i rozwój wolontariatu w gminie.",
        "Przygotować cykl warsztatów dla rodziców w szkole i w świetlicy.",
        "Harmonogram warsztatów dla rodziców",
        "Posiedzenie zespołu: centrum wolontariatu",
        powiat_of_1_august="Zarząd Powiatu Jędrzejowskiego",
    ),
    OtherTeam(
        "2602093",
        "Aktywizacja osób starszych i wsparcie osób z problemem alkoholowym oraz ich rodzin.",
        "Rozszerzyć ofertę klubu seniora o spotkania z pracownikiem socjalnym.",
        "Plan spotkań w klubie seniora",
        "Posiedzenie zespołu: grupa wsparcia",
    ),
    OtherTeam(
        "2604012",
        "Wczesne wsparcie rozwoju dzieci i edukacja mieszkańców.",
        "Zorganizować przesiewową diagnozę logopedyczną dzieci.",
        "Lista dzieci do diagnozy logopedycznej",
        "Posiedzenie zespołu: spotkania edukacyjne",
        powiat_of_1_august="Zarząd Powiatu Kieleckiego",
    ),
    OtherTeam(
        "2604083",
        "Sprawność i aktywność seniorów oraz sport dla dzieci z rodzin wspieranych.",
        "Uruchomić zajęcia ruchowe dla seniorów we współpracy z klubem sportowym.",
        "Zajęcia ruchowe dla seniorów – terminy i sala",
        "Posiedzenie zespołu: rehabilitacja ruchowa",
        others=("Uczniowski Klub Sportowy „Start” Łopuszno",),
        powiat_of_1_august="Zarząd Powiatu Kieleckiego",
    ),
    OtherTeam(
        "2607032",
        "Wsparcie seniorów w codziennym życiu i przeciwdziałanie ich osamotnieniu.",
        "Przygotować dni otwarte Dziennego Domu Senior+ w Szewnie.",
        "Dni otwarte Dziennego Domu Senior+",
        "Posiedzenie zespołu: pomoc sąsiedzka",
    ),
    OtherTeam(
        "2609052",
        "Wsparcie rodziców i opieka nad dziećmi po zajęciach szkolnych.",
        "Otworzyć Klub Rodzica ze świetlicą dla dzieci.",
        "Regulamin Klubu Rodzica",
        "Posiedzenie zespołu: Klub Rodzica",
        powiat_of_1_august="Zarząd Powiatu Sandomierskiego",
    ),
    OtherTeam(
        "2612013",
        "Wsparcie rodzin w kryzysie i podnoszenie kompetencji kadr instytucji współpracujących.",
        "Zorganizować szkolenie z mediacji rodzinnych dla partnerów.",
        "Szkolenie z mediacji rodzinnych",
        "Posiedzenie zespołu: szkolenia kadr",
        others=("Fundacja „Most” – Centrum Mediacji i Wsparcia Rodziny",),
        powiat_of_1_august="Zarząd Powiatu Staszowskiego",
    ),
)
OTHER_FOUNDED = dt.date(2018, 9, 3)


def _locative(gops: Institution) -> str:
    """ "w Oksie" from "Gminny Ośrodek Pomocy Społecznej w Oksie"."""
    return gops.name.rsplit(" w ", 1)[-1]


def _other_team(ctx: Context, spec: OtherTeam, gmina: Municipality, index: int) -> None:
    gops = Institution.objects.get(kind=InstitutionKind.GOPS, municipality=gmina)
    pcpr = Institution.objects.get(kind=InstitutionKind.PCPR, county_id=gmina.county_id)
    team = Team.objects.create(
        public_id=demo_uuid("team", gmina.code),
        name=f"Gminno-Powiatowy Zespół Kooperacji w {_locative(gops)}",
        municipality=gmina,
        county=gmina.county,
        purpose=spec.purpose,
        founded_on=OTHER_FOUNDED,
        created_at=_at(OTHER_FOUNDED, 12),
        updated_at=_at(OTHER_FOUNDED, 12),
    )
    seats = [(gops, ctx.users.get("gops.oksa") if gmina.code == "2602052" else None, TeamRole.LEADER)]
    seats += [(pcpr, None, TeamRole.ANIMATOR)]
    seats += [(Institution.objects.get(name=name), None, TeamRole.MEMBER) for name in spec.others]
    members = [
        TeamMember.objects.create(team=team, institution=institution, user=user, role=role, joined_on=OTHER_FOUNDED)
        for institution, user, role in seats
    ]
    if spec.powiat_of_1_august:
        _agreement_of_1_august(ctx, team, spec.powiat_of_1_august)
    _other_meetings(ctx, team, spec, members, gops, index)


def _agreement_of_1_august(ctx: Context, team: Team, powiat_by: str) -> None:
    gmina = team.municipality
    agreement = _agreement(
        team,
        "2018-08-01",
        title=f"Porozumienie o współpracy w ramach projektu {PROJECT}",
        subject=(
            f"Współpraca Województwa Świętokrzyskiego z powiatem i gminą w ramach projektu {PROJECT} Programu "
            "Operacyjnego Wiedza, Edukacja, Rozwój: udział w tworzeniu, konsultacjach i testowaniu założeń "
            "Modelu Kooperacji."
        ),
        signed_on=dt.date(2018, 8, 1),
        place="Kielce",
        by=None,
    )
    _party(
        agreement,
        PartyKind.VOIVODESHIP,
        "Marszałek Województwa Adam Jarubas i Członek Zarządu Województwa Piotr Żołądek",
        voivodeship=ctx.voivodeship,
    )
    _party(agreement, PartyKind.COUNTY, powiat_by, county=team.county)
    _party(agreement, PartyKind.MUNICIPALITY, f"Wójt Gminy {gmina.name}", municipality=gmina)


def _other_meetings(
    ctx: Context, team: Team, spec: OtherTeam, members: list[TeamMember], gops: Institution, index: int
) -> None:
    """A meeting held a week or two ago with a decision and its task, and one in the coming weeks;
    the days differ from gmina to gmina so the calendar is not all on one day."""
    leader = members[0].user
    held_on = _workday(ctx.today - dt.timedelta(days=8 + index), -1)
    held = _meeting(
        team,
        "held",
        kind=MeetingKind.TEAM_MEETING,
        title="Posiedzenie zespołu: przegląd działań",
        starts_at=_at(held_on, 9 + index % 3),
        hours=2,
        place=f"{gops.short_name}, {gops.street}".strip(", "),
        agenda="1. Przegląd działań partnerów.\n2. Ustalenia na kolejny miesiąc.",
        minutes=f"Partnerzy omówili bieżące działania. Ustalono: {spec.decision[0].lower()}{spec.decision[1:]}",
        created_by=leader,
    )
    _attend(held, members)
    decision = _decide(held, [spec.decision])[0]
    story = TaskStory("task", spec.task, gops.name, None, due_in=10 + 2 * index)
    _task(ctx, team, decision, story, gops)
    planned_on = _workday(ctx.today + dt.timedelta(days=3 + 2 * index), 1)
    planned = _meeting(
        team,
        "planned",
        kind=MeetingKind.TEAM_MEETING,
        title=spec.planned,
        starts_at=_at(planned_on, 10),
        hours=2,
        place=f"{gops.short_name}, {gops.street}".strip(", "),
        agenda="1. Realizacja zadań.\n2. Sprawy bieżące.",
        created_by=leader,
    )
    _attend(planned, members)


# --- Loading ---------------------------------------------------------------------------------


def _context(today: dt.date) -> Context | None:
    """What the teams build on (institutions, personas, demo staff), or None when it is missing;
    adds the demo staff on the way."""
    needed = set(PARTNERS_OF_2018) | {NGO}
    institutions = {i.name: i for i in Institution.objects.filter(name__in=needed)}
    voivodeship = Voivodeship.objects.filter(code=SWIETOKRZYSKIE).first()
    if len(institutions) < len(needed) or voivodeship is None:
        return None
    _demo_staff(institutions)
    logins = {seat.username for seat in MIRZEC_SEATS if seat.username} | {"gops.oksa"}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=logins)}
    if len(users) < len(logins):
        return None
    return Context(today, timezone.now(), users, institutions, voivodeship)


def load(log: Callable[[str], None]) -> None:
    """Create the demo teams not there yet, each with its history (idempotent)."""
    with transaction.atomic():
        ctx = _context(timezone.localdate())
        if ctx is None:
            log("Teams: the demo institutions or personas are missing; demo teams skipped.")
            return
        gminas = {g.code: g for g in Municipality.objects.filter(code__in=GMINAS).select_related("county")}
        existing = set(Team.objects.filter(public_id__in=[demo_uuid("team", code) for code in gminas]).values_list(
            "public_id", flat=True
        ))  # fmt: skip
        made = 0
        if demo_uuid("team", MIRZEC) not in existing and MIRZEC in gminas:
            _mirzec(ctx, gminas[MIRZEC])
            made += 1
        for index, spec in enumerate(OTHER_TEAMS):
            if demo_uuid("team", spec.code) not in existing and spec.code in gminas:
                _other_team(ctx, spec, gminas[spec.code], index)
                made += 1
    log(f"Teams: {len(existing) + made} demo cooperation teams ({made} new).")
