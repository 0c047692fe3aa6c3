"""Every change to a team's agreements (porozumienia), their parties and obligations, and the
evidence that an obligation was met (the generic evidence link of `core.evidence`).

As in `services.py`: the caller has checked that the actor runs the team (`TeamAccess.runs`);
a refusal is a `ValidationError` with a Polish message and saves nothing; stale versions raise
`StaleAgreement` / `StaleObligation`; every change writes one audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kooperacja.cases.consent import check_upload
from kooperacja.core import audit, evidence, versioning
from kooperacja.core.models import AuditAction, EvidenceLink
from kooperacja.institutions.models import Institution
from kooperacja.teams.models import (
    Agreement,
    AgreementParty,
    Meeting,
    MeetingStatus,
    Obligation,
    ObligationStatus,
    PartyKind,
    Team,
    TeamDocument,
)
from kooperacja.territory.models import County, Municipality, Voivodeship


class StaleAgreement(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this agreement while you were editing it.")


class StaleObligation(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else changed this obligation while you were editing it.")


def _audit(action: str, actor: Any, team: Team, obj: Any, **details: Any) -> None:
    audit.record(
        action,
        actor=actor,
        obj=obj,
        municipality_code=team.municipality.code,
        details={"team": str(team.public_id), **{key: str(value) for key, value in details.items()}},
    )


# --- Agreements ------------------------------------------------------------------------------


def _clean_text(title: str, signed_on: dt.date | None) -> tuple[str, dt.date]:
    title = title.strip()
    if not title:
        raise ValidationError({"title": [_("Give the agreement a title.")]})
    if signed_on is None:
        raise ValidationError({"signed_on": [_("Give the date the agreement was signed.")]})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": [_("The signing date cannot be in the future.")]})
    return title, signed_on


def _checked_scan(scan: UploadedFile | None) -> Any:
    if scan is None:
        return None
    try:
        return check_upload(scan)
    except ValidationError as refusal:
        raise ValidationError({"scan": refusal.messages}) from None


def _store_scan(agreement: Agreement, checked: Any) -> str | None:
    """Put a checked scan on the agreement (unsaved); the name of the file it replaces."""
    if checked is None:
        return None
    replaced = agreement.scan.name or None
    agreement.scan.save(checked.original_name, checked.file, save=False)
    agreement.scan_name = checked.original_name
    agreement.scan_type = checked.content_type
    return replaced


def create_agreement(
    actor: Any,
    team: Team,
    *,
    title: str,
    subject: str = "",
    signed_on: dt.date | None,
    place: str = "",
    scan: UploadedFile | None = None,
) -> Agreement:
    """Record a signed agreement of the team, with its scan when there is one (PDF or image)."""
    title, signed = _clean_text(title, signed_on)
    checked = _checked_scan(scan)
    agreement = Agreement(
        team=team,
        title=title[:300],
        subject=subject.strip(),
        signed_on=signed,
        place=place.strip()[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _store_scan(agreement, checked)
    try:
        with transaction.atomic():
            agreement.save()
            _audit(AuditAction.CREATE, actor, team, agreement)
    except BaseException:
        if agreement.scan.name:
            agreement.scan.storage.delete(str(agreement.scan.name))
        raise
    return agreement


def update_agreement(
    actor: Any,
    agreement: Agreement,
    version: int | None,
    *,
    title: str,
    subject: str,
    signed_on: dt.date | None,
    place: str,
    scan: UploadedFile | None = None,
) -> Agreement:
    """Change the agreement's details; a new scan replaces the old one."""
    title, signed = _clean_text(title, signed_on)
    checked = _checked_scan(scan)
    with transaction.atomic():
        saved = Agreement.objects.select_for_update().select_related("team__municipality").get(pk=agreement.pk)
        versioning.check_version(saved, version, StaleAgreement)
        saved.title, saved.subject, saved.signed_on, saved.place = (
            title[:300],
            subject.strip(),
            signed,
            place.strip()[:200],
        )
        replaced = _store_scan(saved, checked)
        fields = ["title", "subject", "signed_on", "place"]
        if checked is not None:
            fields += ["scan", "scan_name", "scan_type"]
        try:
            saved.save(update_fields=[*fields, *versioning.bump(saved)])
            _audit(AuditAction.UPDATE, actor, saved.team, saved, new_scan=checked is not None)
        except BaseException:
            if checked is not None:
                saved.scan.storage.delete(str(saved.scan.name))
            raise
    if replaced:
        transaction.on_commit(lambda: saved.scan.storage.delete(replaced))
    return saved


# --- Parties ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyChoice:
    """What a party form chose: its kind and the one unit or institution of that kind."""

    kind: str
    voivodeship: Voivodeship | None = None
    county: County | None = None
    municipality: Municipality | None = None
    institution: Institution | None = None
    represented_by: str = ""

    def thing(self) -> Any:
        return {
            PartyKind.VOIVODESHIP: self.voivodeship,
            PartyKind.COUNTY: self.county,
            PartyKind.MUNICIPALITY: self.municipality,
            PartyKind.INSTITUTION: self.institution,
        }.get(self.kind)  # type: ignore[call-overload]


def _voivodeship_id_of(choice: PartyChoice) -> int | None:
    if choice.voivodeship is not None:
        return choice.voivodeship.pk
    if choice.county is not None:
        return choice.county.voivodeship_id
    if choice.municipality is not None:
        return choice.municipality.county.voivodeship_id
    if choice.institution is not None:
        return choice.institution.voivodeship_id
    return None


def _capitalised(name: str) -> str:
    """Each word of a unit's name with a capital, as in the official name of a voivodeship or a
    powiat ("kujawsko-pomorskie" -> "Kujawsko-Pomorskie")."""
    return " ".join("-".join(part[:1].upper() + part[1:] for part in word.split("-")) for word in name.split(" "))


def official_name(kind: str, thing: Any) -> str:
    """How an agreement names a party: "Województwo Świętokrzyskie", "Powiat Starachowicki"
    (a city with powiat rights, named with a capital in TERYT: "Miasto Kielce"), "Gmina Mirzec",
    or the institution's name."""
    name = str(thing.name)
    if kind == PartyKind.VOIVODESHIP:
        return pgettext("official name", "Voivodeship %(name)s") % {"name": _capitalised(name)}
    if kind == PartyKind.COUNTY:
        if name[:1].isupper():
            return pgettext("official name", "City %(name)s") % {"name": name}
        return pgettext("official name", "Powiat %(name)s") % {"name": _capitalised(name)}
    if kind == PartyKind.MUNICIPALITY:
        return pgettext("official name", "Gmina %(name)s") % {"name": name}
    return name


def party_name(party: AgreementParty) -> str:
    return official_name(party.kind, party.voivodeship or party.county or party.municipality or party.institution)


def _choose_the(kind: str) -> str:
    """The refusal when the unit of the chosen kind was not picked, naming what to pick."""
    if kind == PartyKind.VOIVODESHIP:
        return _("Choose the voivodeship.")
    if kind == PartyKind.COUNTY:
        return _("Choose the powiat.")
    if kind == PartyKind.MUNICIPALITY:
        return _("Choose the gmina.")
    return _("Choose the institution.")


FIELD_OF_KIND = {
    PartyKind.VOIVODESHIP: "voivodeship",
    PartyKind.COUNTY: "county",
    PartyKind.MUNICIPALITY: "municipality",
    PartyKind.INSTITUTION: "institution",
}


def add_party(actor: Any, agreement: Agreement, choice: PartyChoice) -> AgreementParty:
    """Add a party to the agreement: a voivodeship, a powiat, a gmina or an institution. Refused:
    a party outside the team's voivodeship (the territory of the agreement), and the same party
    twice."""
    if choice.kind not in PartyKind.values:
        raise ValidationError({"kind": [_("Choose what kind of party this is.")]})
    field = FIELD_OF_KIND[PartyKind(choice.kind)]
    thing = choice.thing()
    if thing is None:
        raise ValidationError({field: [_choose_the(choice.kind)]})
    name = official_name(choice.kind, thing)
    team = agreement.team
    voivodeship = team.county.voivodeship
    if _voivodeship_id_of(choice) != voivodeship.pk:
        raise ValidationError(
            {
                field: [
                    _(
                        "%(party)s is outside the territory of this team: an agreement of a team of "
                        "województwo %(voivodeship)s can only have parties from that voivodeship."
                    )
                    % {"party": name, "voivodeship": voivodeship.name}
                ]
            }
        )
    if agreement.parties.filter(kind=choice.kind, **{field: thing}).exists():
        raise ValidationError({field: [_("%(party)s is already a party of this agreement.") % {"party": name}]})
    with transaction.atomic():
        party = AgreementParty.objects.create(
            agreement=agreement, kind=choice.kind, represented_by=choice.represented_by.strip()[:300], **{field: thing}
        )
        _audit(AuditAction.CREATE, actor, team, agreement, party=thing)
    return party


# --- Obligations -----------------------------------------------------------------------------


def add_obligation(
    actor: Any, agreement: Agreement, *, party: AgreementParty, text: str, due_on: dt.date | None = None
) -> Obligation:
    """Add a duty a party of the agreement took on, numbered after the agreement's last one."""
    if party.agreement_id != agreement.pk:
        raise ValidationError({"party": [_("Choose a party of this agreement.")]})
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("Write what the party undertook to do.")]})
    with transaction.atomic():
        Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
        last = agreement.obligations.aggregate(last=Max("number"))["last"] or 0
        obligation = Obligation.objects.create(
            agreement=agreement,
            party=party,
            number=last + 1,
            text=text,
            due_on=due_on,
            updated_by=actor if getattr(actor, "pk", None) else None,
        )
        _audit(AuditAction.CREATE, actor, agreement.team, obligation, agreement=agreement.public_id)
    return obligation


def set_obligation_status(
    actor: Any, obligation: Obligation, status: str, note: str, version: int | None
) -> Obligation:
    """Record how an obligation stands; "not fulfilled" needs a note saying why."""
    if status not in ObligationStatus.values:
        raise ValidationError({"status": [_("Choose the status.")]})
    note = note.strip()
    if status == ObligationStatus.NOT_FULFILLED and not note:
        raise ValidationError({"note": [_("Say why the obligation was not fulfilled.")]})
    with transaction.atomic():
        saved = (
            Obligation.objects.select_for_update().select_related("agreement__team__municipality").get(pk=obligation.pk)
        )
        versioning.check_version(saved, version, StaleObligation)
        before = saved.status
        saved.status, saved.status_note = status, note
        saved.updated_by = actor if getattr(actor, "pk", None) else None
        saved.save(update_fields=["status", "status_note", "updated_by", *versioning.bump(saved)])
        _audit(AuditAction.UPDATE, actor, saved.agreement.team, saved, before=before, status=status)
    return saved


# --- Evidence --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceSource:
    """Evidence an app above teams offers (a training of the team, …): teams must not import
    those apps, so each registers how to list its candidates and find one by key."""

    candidates: Callable[[Team], Iterable[Any]]
    find: Callable[[Team, str], Any]


_SOURCES: dict[str, EvidenceSource] = {}


def register_evidence_source(
    prefix: str, candidates: Callable[[Team], Iterable[Any]], find: Callable[[Team, str], Any]
) -> None:
    """Let another app offer evidence: `candidates(team)` lists what of the team may be linked;
    `find(team, key)` reads a key "prefix:<public id>" back (None when it names nothing fitting)."""
    if prefix in ("meeting", "document"):
        raise ValueError(f"the evidence prefix {prefix!r} is teams' own")
    _SOURCES[prefix] = EvidenceSource(candidates, find)


def _source_label(obj: Any) -> str:
    kind = evidence.kind_of(obj)
    return f"{capfirst(str(kind.label)) if kind else ''}: {_title(obj)}"


def evidence_candidates(team: Team) -> list[tuple[str, str]]:
    """What of the team may be linked as evidence: its held meetings and its documents, and what
    registered sources offer (trainings), as (key, label) for a form's choices; `find_evidence`
    reads the key back."""
    meetings = Meeting.objects.filter(team=team, status=MeetingStatus.HELD).order_by("-starts_at")
    documents = TeamDocument.objects.filter(team=team).order_by("-uploaded_at")
    offered = [
        (f"{prefix}:{obj.public_id}", _source_label(obj))
        for prefix, source in _SOURCES.items()
        for obj in source.candidates(team)
    ]
    own = [
        (f"meeting:{meeting.public_id}", _("Meeting: %(title)s") % {"title": _title(meeting)}) for meeting in meetings
    ] + [
        (f"document:{document.public_id}", _("Document: %(title)s") % {"title": document.title})
        for document in documents
    ]
    return own + offered


def _title(obj: Any) -> str:
    kind = evidence.kind_of(obj)
    return kind.title(obj) if kind else str(obj)


def find_evidence(team: Team, key: str) -> Any:
    """The held meeting or document of the team (or what a registered source offers) a candidate
    key names, or None."""
    kind, _sep, public_id = key.partition(":")
    if kind in _SOURCES:
        return _SOURCES[kind].find(team, key)
    model: Any = {"meeting": Meeting, "document": TeamDocument}.get(kind)
    if model is None:
        return None
    try:
        found = model.objects.get(team=team, public_id=public_id)
    except (model.DoesNotExist, ValueError, ValidationError):
        return None
    if isinstance(found, Meeting) and found.status != MeetingStatus.HELD:
        return None
    return found


def _offered(team: Team, obj: Any) -> bool:
    """Whether a registered source offers `obj` as evidence for the team."""
    for prefix, source in _SOURCES.items():
        found = source.find(team, f"{prefix}:{getattr(obj, 'public_id', '')}")
        if found is not None and type(found) is type(obj) and found.pk == obj.pk:
            return True
    return False


def _evidence_refusal() -> ValidationError:
    return ValidationError(
        {"evidence": [_("Choose a held meeting, a document or a training of this team as the evidence.")]}
    )


def add_evidence(actor: Any, obligation: Obligation, evidence_obj: Any, note: str = "") -> EvidenceLink:
    """Link what shows the obligation was met: a held meeting or a document of the same team, or
    what a registered source offers for the team (a training of the team that took place)."""
    team = obligation.agreement.team
    if evidence_obj is None or getattr(evidence_obj, "team_id", None) != team.pk:
        raise _evidence_refusal()
    if isinstance(evidence_obj, Meeting) and evidence_obj.status != MeetingStatus.HELD:
        raise _evidence_refusal()
    if not isinstance(evidence_obj, Meeting | TeamDocument) and not _offered(team, evidence_obj):
        raise _evidence_refusal()
    try:
        with transaction.atomic():
            found = evidence.link(obligation, evidence_obj, note=note, actor=actor)
            _audit(AuditAction.UPDATE, actor, team, obligation, evidence=_title(evidence_obj))
    except evidence.NotEvidence:
        raise _evidence_refusal() from None
    return found


def remove_evidence(actor: Any, obligation: Obligation, link_id: UUID | str) -> None:
    """Remove one evidence link of the obligation, named by its public id (the meeting or
    document itself stays)."""
    with transaction.atomic():
        if not evidence.unlink(obligation, link_id):
            raise ValidationError(_("This evidence is no longer linked to the obligation."))
        _audit(AuditAction.UPDATE, actor, obligation.agreement.team, obligation, evidence_removed=link_id)
