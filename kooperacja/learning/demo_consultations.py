"""Demo consultations of the model: the three meetings of seed 004 (Sandomierz 25.01.2019,
Skarżysko-Kamienna 29.01.2019, Kielce 06.02.2019), organised by ROPS Kielce within „Liderzy
kooperacji”, with the remarks the seed lists and the recommendations of ROPS Kielce grouping them.

The seed reports the remarks jointly for the three meetings and gives no head counts: which
meeting each remark is recorded at, and how many people came, are the demo's choice. The
recommendations, their statuses and reasons are the demo's too (the seed records none); the
other regions recorded nothing (the sources do not say).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.utils import timezone

from kooperacja.cases.demo import demo_uuid
from kooperacja.community.demo_programme import PROGRAMME_ID, ROPS_KIELCE
from kooperacja.community.models import Programme
from kooperacja.institutions.models import Institution
from kooperacja.learning.models import Consultation, ConsultationParticipant, Recommendation, Remark

PRESENTED = (
    "Przedstawiono wyniki prac nad Modelem kooperacji w gminach wiejskich (założenia opracowane od 01.04.2018 "
    "do 31.12.2018 r.) przed rozpoczęciem jego testowania. Konsultacje pozwoliły zebrać dodatkowe informacje "
    "i opinie, które posłużą do udoskonalenia Modelu."
)
PARTICIPANTS = "uczestnicy spotkania"

# key -> (held on, place, [(who, people)]); the head counts are the demo's.
CONSULTATIONS: dict[str, tuple[dt.date, str, list[tuple[str, int]]]] = {
    "sandomierz": (
        dt.date(2019, 1, 25),
        "Sandomierz",
        [
            ("pracownicy świętokrzyskich GOPS-ów", 18),
            ("pracownicy PCPR-ów", 6),
            ("przedstawiciele organizacji pozarządowych", 4),
        ],
    ),
    "skarzysko": (
        dt.date(2019, 1, 29),
        "Skarżysko-Kamienna",
        [
            ("pracownicy świętokrzyskich GOPS-ów", 15),
            ("pracownicy PCPR-ów", 5),
            ("przedstawiciele organizacji pozarządowych", 3),
        ],
    ),
    "kielce": (
        dt.date(2019, 2, 6),
        "Kielce",
        [
            ("pracownicy świętokrzyskich GOPS-ów", 22),
            ("pracownicy PCPR-ów", 7),
            ("przedstawiciele organizacji pozarządowych", 5),
        ],
    ),
}
# The organiser's own team (ROPS staff of the Zespół ds. Modelu), at every meeting.
ORGANISER_PEOPLE = 3

# key -> (consultation, topic, text): the remarks of seed 004, each recorded once.
REMARKS: dict[str, tuple[str, str, str]] = {
    "demography": (
        "sandomierz",
        "demography",
        "Zmiany demograficzne powodują narastanie problemu osób starszych i niepełnosprawnych.",
    ),
    "integration": (
        "sandomierz",
        "integration",
        "Należy zwiększyć integrację społeczną w środowiskach wiejskich, a co za tym idzie zwiększyć kontrolę "
        "społeczną.",
    ),
    "database": ("sandomierz", "instruments", "Brak wspólnej bazy danych."),
    "diagnosis": ("sandomierz", "instruments", "Brak właściwie przeprowadzonej diagnozy problemów społecznych."),
    "leader": (
        "sandomierz",
        "instruments",
        "Brak podmiotu inicjującego i koordynującego działania, tzw. Lidera.",
    ),
    "resources": (
        "skarzysko",
        "resources",
        "Jednostki i instytucje nie mają wiedzy o posiadanych przez siebie zasobach i zakresie realizowanych zadań.",
    ),
    "goals": ("skarzysko", "goals", "Trudność w formułowaniu celów i wzajemnych oczekiwań we współpracy."),
    "social_work": (
        "skarzysko",
        "other",
        "Czynniki decyzyjne nie doceniają znaczenia pracy socjalnej i działań wykraczających poza rozdawnictwo "
        "zasiłków.",
    ),
    "overload": (
        "skarzysko",
        "overload",
        "Przeciążenie pracą osób zaangażowanych w pracę Zespołów i brak gratyfikacji finansowych dla członków "
        "Zespołów.",
    ),
    "dissemination": (
        "kielce",
        "dissemination",
        "Potrzeba szerszego upowszechnienia Modelu i wykorzystania doświadczeń z prac zespołów interdyscyplinarnych.",
    ),
    "evaluation": (
        "kielce",
        "evaluation",
        "Należy włączyć do Modelu instrumenty skutecznej ewaluacji prowadzonych działań.",
    ),
    "legal": (
        "kielce",
        "legal",
        "Model powinien obejmować formułowanie propozycji dotyczących zmiany obowiązujących przepisów prawnych.",
    ),
    "funding": ("kielce", "funding", "Wielkość środków budżetowych przeznaczanych na zadania pomocy społecznej."),
}

RURAL = {"for_rural": True, "for_urban_rural": False, "for_city": False}
RURAL_AND_URBAN_RURAL = {"for_rural": True, "for_urban_rural": True, "for_city": False}
EVERY_VARIANT = {"for_rural": True, "for_urban_rural": True, "for_city": True}

# key -> (title, text, kind, status, reason, variants, remark keys, decided on).
RECOMMENDATIONS: dict[str, tuple[str, str, str, str, str, dict[str, bool], list[str], dt.date | None]] = {
    "database": (
        "Wspólna baza danych z zakresem zgód",
        "Instytucje współpracujące przy rodzinie korzystają z jednej wspólnej bazy danych, w której każda widzi "
        "tylko te kategorie danych, na które osoba wyraziła zgodę (RODO).",
        "model_change",
        "implemented",
        "Wdrożone przez platformę Kooperacja: jeden wspólny rejestr spraw z uczestnictwem instytucji i zakresem "
        "zgód osób.",
        EVERY_VARIANT,
        ["database"],
        dt.date(2020, 9, 30),
    ),
    "leader": (
        "Lider kooperacji w każdej gminie",
        "W każdej gminie wskazuje się Lidera kooperacji, który inicjuje i koordynuje działania Gminno-Powiatowego "
        "Zespołu Kooperacji.",
        "model_change",
        "accepted",
        "Włączone do Modelu: Lider G-PZK z zadaniami koordynacyjnymi, wskazany w porozumieniu gminy i powiatu.",
        RURAL,
        ["leader"],
        dt.date(2019, 3, 20),
    ),
    "resources": (
        "Mapa zasobów instytucji gminy i powiatu",
        "Przed rozpoczęciem współpracy zespół sporządza mapę zasobów: usługi, zadania i możliwości każdej "
        "instytucji partnerskiej.",
        "model_change",
        "accepted",
        "Włączone do Modelu jako pierwszy krok pracy G-PZK; katalog usług prowadzony na platformie.",
        RURAL,
        ["resources"],
        dt.date(2019, 3, 20),
    ),
    "diagnosis": (
        "Wspólna diagnoza problemów społecznych gminy",
        "Diagnoza problemów społecznych gminy przygotowywana wspólnie przez instytucje G-PZK według jednolitych "
        "wskaźników.",
        "model_change",
        "partly",
        "Przyjęto wspólne wskaźniki diagnozy środowiskowej; pełna diagnoza społeczna gminy wymaga środków "
        "spoza projektu.",
        RURAL_AND_URBAN_RURAL,
        ["diagnosis", "demography", "integration"],
        dt.date(2019, 3, 20),
    ),
    "evaluation": (
        "Instrumenty ewaluacji działań w Modelu",
        "Model obejmuje narzędzia ewaluacji: wskaźniki rezultatów pracy z rodzinami i ankietę partnerów zespołu.",
        "evaluation",
        "accepted",
        "Narzędzia ewaluacji zostaną przetestowane w gminach pilotażowych.",
        RURAL,
        ["evaluation"],
        dt.date(2019, 3, 20),
    ),
    "gratification": (
        "Gratyfikacja finansowa członków zespołów kooperacji",
        "Propozycja zmiany przepisów umożliwiającej wynagradzanie członków zespołów kooperacji za pracę ponad "
        "obowiązki służbowe.",
        "legal_change",
        "proposed",
        "",
        RURAL_AND_URBAN_RURAL,
        ["overload", "legal"],
        None,
    ),
    "budgets": (
        "Zwiększenie środków na zadania pomocy społecznej",
        "Propozycja zwiększenia środków budżetowych gmin przeznaczanych na zadania pomocy społecznej.",
        "legal_change",
        "rejected",
        "Wysokość środków budżetowych nie jest przedmiotem Modelu kooperacji; uwagę przekazano do wiadomości "
        "samorządu województwa.",
        RURAL,
        ["funding"],
        dt.date(2019, 3, 20),
    ),
    "goals": (
        "Szkolenia z formułowania celów i wzajemnych oczekiwań",
        "Szkolenia dla członków zespołów z formułowania wspólnych celów i wzajemnych oczekiwań we współpracy.",
        "training",
        "implemented",
        "Zrealizowane w ramach Szkoły kooperacji (moduł „Budowanie efektywnej współpracy”).",
        RURAL,
        ["goals"],
        dt.date(2020, 6, 30),
    ),
    "decision_makers": (
        "Spotkania informacyjne dla decydentów samorządowych",
        "Spotkania dla wójtów i starostów o znaczeniu pracy socjalnej i działań wykraczających poza wypłatę zasiłków.",
        "training",
        "partly",
        "Informacja o Modelu włączona do spotkań z samorządami gmin pilotażowych; odrębnych szkoleń nie zaplanowano.",
        RURAL,
        ["social_work"],
        dt.date(2019, 3, 20),
    ),
    "dissemination": (
        "Upowszechnianie Modelu z doświadczeniem zespołów interdyscyplinarnych",
        "Szersze upowszechnianie Modelu z wykorzystaniem doświadczeń zespołów interdyscyplinarnych.",
        "training",
        "proposed",
        "",
        RURAL,
        ["dissemination"],
        None,
    ),
}


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def load(log: Callable[[str], None]) -> None:
    """Create the three consultations, their remarks and ROPS Kielce's recommendations
    (idempotent: stable ids, nothing is created twice)."""
    kielce = Institution.objects.get(name=ROPS_KIELCE)
    programme = Programme.objects.filter(public_id=PROGRAMME_ID).first()
    analyst = get_user_model().objects.filter(username="rops.kielce").first()
    consultations: dict[str, Consultation] = {}
    for key, (held_on, place, groups) in CONSULTATIONS.items():
        consultation, created = Consultation.objects.get_or_create(
            public_id=demo_uuid("consultation", key),
            defaults={
                "title": f"Konsultacje Modelu kooperacji w gminach wiejskich – {place}",
                "held_on": held_on,
                "place": place,
                "organiser": kielce,
                "programme": programme,
                "summary": PRESENTED,
                "created_by": analyst,
                "created_at": _at(held_on),
                "updated_at": _at(held_on),
            },
        )
        consultations[key] = consultation
        if created:
            ConsultationParticipant.objects.bulk_create(
                [ConsultationParticipant(consultation=consultation, institution=kielce, people=ORGANISER_PEOPLE)]
                + [
                    ConsultationParticipant(consultation=consultation, description=who, people=people)
                    for who, people in groups
                ]
            )
    remarks: dict[str, Remark] = {}
    for key, (where, topic, text) in REMARKS.items():
        consultation = consultations[where]
        remarks[key], _created = Remark.objects.get_or_create(
            public_id=demo_uuid("remark", key),
            defaults={
                "consultation": consultation,
                "topic": topic,
                "text": text,
                "raised_by": PARTICIPANTS,
                "created_at": _at(consultation.held_on),
            },
        )
    made = dt.date(2019, 2, 28)
    for key, (title, text, kind, status, reason, variants, linked, decided_on) in RECOMMENDATIONS.items():
        recommendation, created = Recommendation.objects.get_or_create(
            public_id=demo_uuid("recommendation", key),
            defaults={
                "region": kielce,
                "programme": programme,
                "title": title,
                "text": text,
                "kind": kind,
                "status": status,
                "reason": reason,
                "decided_by": analyst if decided_on else None,
                "decided_at": _at(decided_on) if decided_on else None,
                "created_by": analyst,
                "created_at": _at(made),
                "updated_at": _at(decided_on or made),
                **variants,
            },
        )
        if created:
            recommendation.remarks.set([remarks[name] for name in linked])
    log("Learning: the consultations of the model in Sandomierz, Skarżysko-Kamienna and Kielce with their remarks.")
