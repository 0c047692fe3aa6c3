"""Demo e-learning (authored by rops.kielce): the published course „Model kooperacji w gminie
wiejskiej — wprowadzenie” (4 lessons with quizzes and a diagram), „Komunikacja i negocjacje w
zespole kooperacji” (3 lessons with quizzes) and one draft; gops.mirzec has finished the first
course (with its certificate), szkola.mirzec is halfway through it and pcpr.starachowice has
started the second. Idempotent: stable ids, nothing is created twice."""

from __future__ import annotations

import datetime as dt
import struct
import uuid
import zlib
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from kooperacja.cases.consent import PNG
from kooperacja.learning import courses as service
from kooperacja.learning.models import (
    AttachmentKind,
    Course,
    Lesson,
    LessonAttachment,
    LessonProgress,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
    Topic,
)

MODEL_COURSE_ID = uuid.UUID("6b1f3c2e-5a4d-4e0b-9c1a-0c0a5e11a001")
TALK_COURSE_ID = uuid.UUID("6b1f3c2e-5a4d-4e0b-9c1a-0c0a5e11a002")
DRAFT_COURSE_ID = uuid.UUID("6b1f3c2e-5a4d-4e0b-9c1a-0c0a5e11a003")
DIAGRAM_ID = uuid.UUID("6b1f3c2e-5a4d-4e0b-9c1a-0c0a5e11a0f1")

# (question, [(answer, right), ...])
Quiz = Sequence[tuple[str, Sequence[tuple[str, bool]]]]


def png(width: int, height: int, pixel: Callable[[int, int], tuple[int, int, int]]) -> bytes:
    """A small RGB PNG drawn pixel by pixel, made with zlib alone (no imaging library)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def _diagram_pixel(x: int, y: int) -> tuple[int, int, int]:
    """Three boxes joined by a line: the GOPS, the G-PZK and a partner institution."""
    boxes = [(10, 30, (0, 94, 184)), (100, 30, (0, 128, 96)), (190, 30, (184, 92, 0))]
    for left, top, colour in boxes:
        if left <= x < left + 60 and top <= y < top + 40:
            return colour
    if 50 <= y <= 51 and 70 <= x < 190:
        return (60, 60, 60)
    return (255, 255, 255)


def diagram_png() -> bytes:
    return png(260, 100, _diagram_pixel)


MODEL_LESSONS: list[tuple[str, str, Quiz]] = [
    (
        "Model kooperacji i jego cel",
        "Model kooperacji to uporządkowany sposób współpracy ośrodka pomocy społecznej z innymi "
        "instytucjami gminy i powiatu: szkołą, przedszkolem, ośrodkiem zdrowia, posterunkiem policji, "
        "powiatowym urzędem pracy, biblioteką i ośrodkiem kultury oraz organizacjami pozarządowymi.\n\n"
        "Powstał w projekcie „Liderzy kooperacji” realizowanym w latach 2018–2021 przez regionalne ośrodki "
        "polityki społecznej makroregionu wschodniego. Założenia opracowano podczas warsztatów "
        "Gminno-Powiatowych Zespołów Kooperacji w ośmiu gminach wiejskich, a następnie konsultowano je i "
        "testowano w pilotażu.\n\n"
        "Model jest przeznaczony dla rodzin i osób, które mierzą się z wieloma problemami naraz i dla których "
        "jedna instytucja działająca w pojedynkę wyczerpała już swoje możliwości. Jego celem jest wzmocnienie "
        "własnych zasobów rodziny i jej sprawczości, tak by z czasem poradziła sobie samodzielnie.",
        [
            (
                "Dla kogo przede wszystkim jest model kooperacji?",
                [
                    ("Wyłącznie dla osób bezrobotnych", False),
                    ("Dla pracowników urzędu marszałkowskiego", False),
                    ("Dla rodzin i osób z wieloma problemami naraz", True),
                ],
            ),
            (
                "Jaki jest cel pracy w modelu kooperacji?",
                [
                    ("Przyznanie wyższych zasiłków", False),
                    ("Wzmocnienie zasobów rodziny, by poradziła sobie samodzielnie", True),
                    ("Przeniesienie sprawy do innej gminy", False),
                ],
            ),
        ],
    ),
    (
        "G-PZK i jego Lider",
        "Gminno-Powiatowy Zespół Kooperacji (G-PZK) to stałe partnerstwo instytucji gminy i powiatu. W Mircu "
        "tworzy go dziewięciu partnerów, wśród nich GOPS, PCPR w Starachowicach, Powiatowy Urząd Pracy, urząd "
        "gminy, ośrodek zdrowia, biblioteka i ośrodek kultury, posterunek policji, przedszkole i szkoła "
        "podstawowa.\n\n"
        "Na konsultacjach modelu wskazywano, że współpracy często brakuje podmiotu, który ją zainicjuje i "
        "będzie koordynować. Tę rolę pełni Lider zespołu: zwołuje spotkania, pilnuje ustaleń i zadań, dba o "
        "przepływ informacji między partnerami.\n\n"
        "Powiat wskazuje pracownika PCPR, który pełni funkcję animatora: wspiera powołanie i działanie zespołu "
        "oraz łączy pracę gminy z zadaniami powiatu.",
        [
            (
                "Kto koordynuje pracę G-PZK?",
                [("Wojewoda", False), ("Lider zespołu", True), ("Każdy partner osobno", False)],
            ),
            (
                "Kogo powiat wskazuje do wspierania zespołu?",
                [
                    ("Dyrektora szkoły", False),
                    ("Komendanta policji", False),
                    ("Pracownika PCPR jako animatora", True),
                ],
            ),
        ],
    ),
    (
        "Diagnoza i indywidualny program współpracy",
        "Praca z rodziną zaczyna się od rzetelnej diagnozy. Brak właściwie przeprowadzonej diagnozy problemów "
        "społecznych był jednym z braków, na które zwracali uwagę uczestnicy konsultacji modelu. Diagnoza "
        "obejmuje wiele obszarów życia rodziny i powtarza się ją w czasie, by widzieć zmianę.\n\n"
        "Na jej podstawie rodzina i instytucje uzgadniają indywidualny program współpracy (IPW): cele z "
        "mierzalnymi wskaźnikami, osoby odpowiedzialne i terminy.\n\n"
        "Do programu dobiera się koszyk usług, czyli usługi różnych instytucji, np. poradnictwo, terapię, "
        "zajęcia w bibliotece czy pomoc w szukaniu pracy. Każda pozycja koszyka ma swoją instytucję i status.",
        [
            (
                "Co uzgadnia się w indywidualnym programie współpracy?",
                [
                    ("Wyłącznie wysokość świadczeń", False),
                    ("Cele ze wskaźnikami, osoby odpowiedzialne i terminy", True),
                    ("Plan pracy urzędu gminy", False),
                ],
            ),
            (
                "Czym jest koszyk usług?",
                [
                    ("Zestawem usług różnych instytucji dobranym dla rodziny", True),
                    ("Paczką żywnościową", False),
                    ("Listą pracowników GOPS", False),
                ],
            ),
            (
                "Dlaczego diagnozę powtarza się w czasie?",
                [("Bo tak wymaga bank", False), ("Aby zobaczyć zmianę sytuacji rodziny", True)],
            ),
        ],
    ),
    (
        "Skierowania i zamykanie pętli",
        "Gdy rodzina potrzebuje usługi innej instytucji, pracownik kieruje ją tam skierowaniem. Do przekazania "
        "danych potrzebna jest zgoda osoby albo podstawa prawna, a instytucja przyjmująca widzi tylko te "
        "kategorie danych, na które zgoda pozwala.\n\n"
        "Skierowanie nie kończy się na wysłaniu. Instytucja przyjmująca odpowiada, czy usługę podjęto i z "
        "jakim skutkiem; dopiero wtedy pętla się zamyka, a koordynator wie, co naprawdę zadziałało.\n\n"
        "Stała komunikacja między instytucjami, także z użyciem narzędzi cyfrowych, pozwala szybko zauważyć, "
        "że skierowanie utknęło, i zareagować.",
        [
            (
                "Kiedy pętla skierowania jest zamknięta?",
                [
                    ("Gdy skierowanie zostanie wydrukowane", False),
                    ("Po upływie miesiąca", False),
                    ("Gdy instytucja przyjmująca poda wynik", True),
                ],
            ),
            (
                "Co jest potrzebne, by przekazać dane osoby innej instytucji?",
                [("Zgoda osoby albo podstawa prawna", True), ("Nic, wystarczy telefon", False)],
            ),
        ],
    ),
]

TALK_LESSONS: list[tuple[str, str, Quiz]] = [
    (
        "Słuchanie i komunikaty „ja”",
        "Dobra współpraca w zespole zaczyna się od uważnego słuchania. Parafraza, czyli powtórzenie własnymi "
        "słowami tego, co usłyszeliśmy, pozwala sprawdzić, czy dobrze zrozumieliśmy rozmówcę.\n\n"
        "Komunikat „ja” opisuje fakt, nasze odczucia i oczekiwanie, zamiast oceniać drugą osobę. Zamiast "
        "„Nigdy nie oddajecie informacji na czas” lepiej powiedzieć: „Gdy informacja przychodzi po terminie, "
        "nie mogę przygotować spotkania. Potrzebuję jej do piątku”.",
        [
            (
                "Czemu służy parafraza?",
                [("Skróceniu rozmowy", False), ("Sprawdzeniu, czy dobrze zrozumieliśmy", True)],
            ),
            (
                "Co zawiera komunikat „ja”?",
                [("Ocenę rozmówcy", False), ("Fakt, odczucia i oczekiwanie", True), ("Groźbę", False)],
            ),
        ],
    ),
    (
        "Cele i wzajemne oczekiwania",
        "Uczestnicy konsultacji modelu mówili o trudności w formułowaniu celów i wzajemnych oczekiwań we "
        "współpracy. Pomaga zapisanie, czego każdy partner oczekuje i co sam wnosi.\n\n"
        "Cel warto formułować konkretnie i mierzalnie, z terminem i osobą odpowiedzialną. Zobowiązania "
        "partnerów najlepiej spisać w porozumieniu, do którego zespół wraca na kolejnych spotkaniach.",
        [
            (
                "Jak formułować cel współpracy?",
                [("Konkretnie, mierzalnie, z terminem", True), ("Ogólnie, by nikogo nie urazić", False)],
            ),
            (
                "Gdzie spisać zobowiązania partnerów?",
                [("Nigdzie, wystarczy ustnie", False), ("W porozumieniu", True)],
            ),
        ],
    ),
    (
        "Negocjacje w zespole",
        "W negocjacjach opartych na interesach strony szukają rozwiązania, które odpowiada na potrzeby obu, "
        "zamiast bronić swoich stanowisk. Pytanie „dlaczego to dla was ważne?” często otwiera nowe "
        "możliwości.\n\n"
        "Gdy zespół jest przeciążony, negocjacje dotyczą też podziału pracy: kto, co i do kiedy może zrobić "
        "bez szkody dla innych zadań.",
        [
            (
                "Na czym opierają się negocjacje oparte na interesach?",
                [("Na potrzebach obu stron", True), ("Na obronie stanowiska", False)],
            ),
            (
                "Jakie pytanie pomaga odkryć interes partnera?",
                [("Kto tu rządzi?", False), ("Dlaczego to dla was ważne?", True)],
            ),
        ],
    ),
]


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _course(public_id: uuid.UUID, author: Any, **fields: Any) -> tuple[Course, bool]:
    return Course.objects.get_or_create(public_id=public_id, defaults={"created_by": author, **fields})


def _lessons(course: Course, lessons: list[tuple[str, str, Quiz]]) -> list[Lesson]:
    made = []
    for position, (title, body, quiz) in enumerate(lessons, start=1):
        lesson = Lesson.objects.create(course=course, position=position, title=title, body=body)
        for number, (text, answers) in enumerate(quiz, start=1):
            question = QuizQuestion.objects.create(lesson=lesson, position=number, text=text)
            QuizChoice.objects.bulk_create(
                QuizChoice(question=question, text=answer, is_correct=right) for answer, right in answers
            )
        made.append(lesson)
    return made


def _diagram(lesson: Lesson) -> None:
    attachment = LessonAttachment(
        public_id=DIAGRAM_ID,
        lesson=lesson,
        kind=AttachmentKind.IMAGE,
        title="Schemat: GOPS, G-PZK i instytucja partnerska",
        alt_text="Trzy prostokąty połączone linią: GOPS po lewej, G-PZK pośrodku, instytucja partnerska po prawej.",
        filename="schemat-kooperacji.png",
        content_type=PNG,
    )
    data = diagram_png()
    attachment.size = len(data)
    attachment.file.save("schemat-kooperacji.png", ContentFile(data), save=False)
    attachment.save()


def _pass(user: Any, lesson: Lesson, days_ago: int) -> None:
    """The learner passed the lesson's quiz with every answer right (or read it, without a quiz)."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    questions = list(lesson.questions.prefetch_related("choices"))
    if questions:
        answers = {str(q.pk): next(c.pk for c in q.choices.all() if c.is_correct) for q in questions}
        QuizAttempt.objects.create(
            user=user, lesson=lesson, token=uuid.uuid4(), answers=answers, score=100, passed=True, submitted_at=when
        )
    LessonProgress.objects.create(
        user=user, lesson=lesson, read_at=when, best_score=100 if questions else None, completed_at=when
    )


def load(log: Callable[[str], None]) -> None:
    author = _user("rops.kielce")
    model, created = _course(
        MODEL_COURSE_ID,
        author,
        title="Model kooperacji w gminie wiejskiej — wprowadzenie",
        summary="Czym jest model kooperacji, jak działa Gminno-Powiatowy Zespół Kooperacji i jego Lider, "
        "jak z diagnozy powstaje indywidualny program współpracy z koszykiem usług i jak skierowania "
        "zamykają pętlę.",
        topic=Topic.MODEL,
        minutes=60,
        pass_mark=60,
        is_published=True,
    )
    if created:
        lessons = _lessons(model, MODEL_LESSONS)
        _diagram(lessons[1])
        learner = _user("gops.mirzec")
        if learner is not None:
            for days_ago, lesson in zip((20, 18, 15, 12), lessons, strict=True):
                _pass(learner, lesson, days_ago)
            # The demo queues no e-mail: loading it leaves no background task behind.
            service.complete_course_if_done(learner, model, email=False)
        halfway = _user("szkola.mirzec")
        if halfway is not None:
            for days_ago, lesson in zip((6, 3), lessons[:2], strict=True):
                _pass(halfway, lesson, days_ago)
    talk, created = _course(
        TALK_COURSE_ID,
        author,
        title="Komunikacja i negocjacje w zespole kooperacji",
        summary="Słuchanie, komunikaty „ja”, wspólne cele i negocjacje oparte na interesach w pracy zespołu.",
        topic=Topic.COMMUNICATION,
        minutes=45,
        pass_mark=50,
        is_published=True,
    )
    if created:
        lessons = _lessons(talk, TALK_LESSONS)
        starter = _user("pcpr.starachowice")
        if starter is not None:
            _pass(starter, lessons[0], 2)
    draft, created = _course(
        DRAFT_COURSE_ID,
        author,
        title="Superwizja grupowa w zespole kooperacji",
        summary="Szkic kursu: jak zespół może wspólnie omawiać trudne sytuacje i dbać o siebie.",
        topic=Topic.SUPERVISION,
        minutes=30,
        is_published=False,
    )
    if created:
        Lesson.objects.create(
            course=draft,
            position=1,
            title="Po co superwizja?",
            body="Superwizja pomaga zespołowi spojrzeć z dystansu na pracę z rodziną.\n\nTekst w przygotowaniu.",
        )
    log("Learning: e-learning courses of the model and of communication, with progress and a certificate.")
