"""Checking the rows of an HSDS package against the official table schemas and our models.

Every row is checked field by field (required, then `values.parse_value`: type, format,
enum, range, our length limits), then as a whole (duplicate ids, ages, TERYT codes, the values of our own fields),
then for its references: the datapackage's foreign keys and also `parent_organization_id`,
`taxonomy_term.parent_id`, `attribute.link_id` and `metadata.resource_id` (DESIGN.md §4). A
reference may point to a row of the package or to what the directory already holds.

Each problem names its file, row and field. Strict, any problem refuses the import. Lenient,
an optional value that is invalid or refers to nothing is cleared; a row whose required
value is invalid or refers to nothing is skipped, and so, in turn, are the rows that needed
it (a service of a skipped organization).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from kooperacja.directory.hsds.mapping import KEPT, LINKS, MODELS, REQUIRED_REFERENCES, USED
from kooperacja.directory.hsds.reader import Origin, Package, Problem, Scope
from kooperacja.directory.hsds.serialise import (
    BOOLEAN_FIELDS,
    GMINA,
    KRS_SCHEME,
    NUMBER_FIELDS,
    REGON_SCHEME,
    RESIDENCE,
    is_generated_description,
)
from kooperacja.directory.hsds.tables import (
    POLYMORPHIC_REFERENCES,
    TAXONOMY_URN,
    TERYT_URN,
    synthetic_id,
    tables,
)
from kooperacja.directory.hsds.values import Invalid, field_value_problem, parse_value, shown
from kooperacja.directory.models import (
    FIELDS,
    Taxonomy,
    TaxonomyTerm,
)
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.institutions.validators import validate_krs, validate_phone, validate_regon
from kooperacja.territory.models import County, Municipality, Voivodeship


@dataclass
class Record:
    """A row being checked: its parsed values (None where empty or cleared)."""

    table: str
    origin: Origin
    values: dict[str, Any]
    partial: bool
    skipped: bool = False

    @property
    def id(self) -> str | None:
        value = self.values.get("id")
        return value if isinstance(value, str) else None

    @property
    def key(self) -> str:
        """The id, for rows known to have one."""
        return self.id or ""


@dataclass
class Resolved:
    """What the checks learnt that the writer needs."""

    records: dict[str, list[Record]]
    territories: dict[str, Municipality | County | Voivodeship]  # new organization id -> its unit
    gminas: dict[str, Municipality]  # TERYT code -> gmina, for the codes the package uses
    counties: dict[str, County]
    voivodeships: dict[str, Voivodeship]
    field_terms: dict[str, str]  # attribute id -> the code of our field it carries
    term_keys: dict[str, tuple[str | None, str | None]]  # term id -> (taxonomy code, code)


@dataclass
class Checker:
    """Runs the checks over a read package (`run`), collecting problems and notes; lenient, it
    clears or skips what it reports as it goes."""

    package: Package
    lenient: bool
    territory: Municipality | County | Voivodeship | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    records: dict[str, list[Record]] = field(default_factory=dict)
    db_ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    # --- Problems ------------------------------------------------------------------------------

    def problem(self, record: Record, name: str | None, message: str, scope: Scope) -> None:
        """Report; lenient, give up the value or the row at once."""
        spec = tables()[record.table].field(name) if name else None
        if scope == "value" and spec is not None and (spec.required or name in self.required_by_us(record.table)):
            scope = "row"
        resolution = ""
        if self.lenient:
            if scope == "value" and name is not None:
                record.values[name] = None
                resolution = "value cleared"
            else:
                record.skipped = True
                resolution = "row skipped"
        self.problems.append(
            Problem(
                record.origin.file,
                record.origin.row,
                f"{record.origin.path}{name}" if name else (record.origin.path.rstrip(".") or None),
                message,
                scope,
                resolution,
            )
        )

    @staticmethod
    def required_by_us(table: str) -> set[str]:
        return REQUIRED_REFERENCES.get(table, set())

    def live(self, table: str) -> Iterable[Record]:
        return (record for record in self.records.get(table, []) if not record.skipped)

    # --- The passes ---------------------------------------------------------------------------

    def run(self) -> Resolved:
        self.problems.extend(self.package.problems)
        self.notes.extend(self.package.notes)
        for table, rows in self.package.rows.items():
            self.records[table] = [self.parse(table, row.values, row.origin, row.partial) for row in rows]
        self.check_duplicates()
        self.note_what_is_not_kept()
        self.load_database_ids()
        self.check_new_stand_ins()
        gminas, counties, voivodeships = self.load_territory()
        self.check_rows(gminas, counties, voivodeships)
        term_keys = self.term_keys()
        self.check_references()
        field_terms = self.check_attributes(term_keys, gminas, counties, voivodeships)
        territories = self.check_organizations(field_terms, gminas, counties, voivodeships)
        if self.lenient:
            self.check_references()
        self.leave_out_unlinked()
        return Resolved(
            records=self.records,
            territories=territories,
            gminas=gminas,
            counties=counties,
            voivodeships=voivodeships,
            field_terms=field_terms,
            term_keys=term_keys,
        )

    # --- Field by field ----------------------------------------------------------------------------

    def parse(self, table: str, raw: dict[str, str], origin: Origin, partial: bool) -> Record:
        record = Record(table, origin, {}, partial)
        for spec in tables()[table].fields:
            text = raw.get(spec.name, "")
            # A text field keeps what it holds, spaces too; other types ignore surrounding spaces.
            if text == "" or (not text.strip() and (spec.type != "string" or spec.format is not None)):
                record.values[spec.name] = None
                if spec.required and not (partial and spec.name != "id"):
                    self.problem(record, spec.name, "missing: HSDS requires this field", "row")
                continue
            try:
                record.values[spec.name] = parse_value(table, spec, text)
            except Invalid as error:
                record.values[spec.name] = None
                self.problem(record, spec.name, str(error), "value")
        return record

    # --- Row by row ---------------------------------------------------------------------------

    def check_duplicates(self) -> None:
        for records in self.records.values():
            first: dict[str, Record] = {}
            for record in records:
                if record.id is None or record.skipped:
                    continue
                if record.id in first:
                    earlier = first[record.id].origin
                    self.problem(record, "id", f"duplicate id: row {earlier.row} of {earlier.file} has it too", "row")
                else:
                    first[record.id] = record

    def note_what_is_not_kept(self) -> None:
        for table, records in self.records.items():
            spec = tables()[table]
            if table not in MODELS and table != "organization_identifier":
                if records:
                    self.notes.append(f"{spec.path}: {len(records)} row(s) checked but not kept (not modelled)")
                continue
            kept = set(KEPT.get(table, {})) | USED.get(table, set()) | {"id"} | set(spec.references)
            kept |= {link for link, _kind in POLYMORPHIC_REFERENCES.values()}
            unkept = sorted(
                {name for record in records for name, value in record.values.items() if value is not None} - kept
            )
            if unkept:
                self.notes.append(f"{spec.path}: fields the directory does not keep were ignored: {', '.join(unkept)}")

    def load_database_ids(self) -> None:
        """Which referenced ids, absent from the package, the directory already holds."""
        wanted: dict[str, set[str]] = defaultdict(set)
        file_ids = self.file_ids(live_only=False)
        for table, records in self.records.items():
            spec = tables()[table]
            for record in records:
                for name, target in spec.references.items():
                    value = record.values.get(name)
                    if isinstance(value, str) and value not in file_ids[target]:
                        wanted[target].add(value)
                if table in POLYMORPHIC_REFERENCES:
                    link, kind = POLYMORPHIC_REFERENCES[table]
                    value = record.values.get(link)
                    if isinstance(value, str):
                        for target in self.polymorphic_targets(record.values.get(kind)):
                            wanted[target].add(value)
        # Rows of the package that already exist are updated, not created: the writer needs them too.
        for table, ids in file_ids.items():
            wanted[table] |= ids
        for table, ids in wanted.items():
            model = MODELS.get(table)
            if model is None:
                continue
            found = self.db_ids[table]
            ordered = sorted(ids)
            for start in range(0, len(ordered), 500):
                found.update(
                    str(value)
                    for value in model._default_manager.filter(public_id__in=ordered[start : start + 500]).values_list(
                        "public_id", flat=True
                    )
                )

    def check_new_stand_ins(self) -> None:
        """A one-to-one stand-in (an organization nested in a service) may leave out what HSDS
        requires when it updates a row of the directory, not when it creates one."""
        for table, records in self.records.items():
            for record in records:
                if not record.partial or record.skipped or record.id in self.db_ids.get(table, set()):
                    continue
                for spec in tables()[table].fields:
                    if spec.required and record.values.get(spec.name) is None:
                        self.problem(record, spec.name, "missing: HSDS requires this field", "row")

    @staticmethod
    def polymorphic_targets(kind: object) -> list[str]:
        if isinstance(kind, str) and kind in tables():
            return [kind]
        return list(tables())

    def file_ids(self, *, live_only: bool) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for table, records in self.records.items():
            found[table] = {
                record.id for record in records if record.id is not None and not (live_only and record.skipped)
            }
        return found

    def load_territory(self) -> tuple[dict[str, Municipality], dict[str, County], dict[str, Voivodeship]]:
        codes: set[str] = set()
        for record in self.live("service_area"):
            uri = record.values.get("uri")
            if isinstance(uri, str) and uri.startswith(TERYT_URN):
                codes.add(uri.removeprefix(TERYT_URN))
        for record in self.live("attribute"):
            value = record.values.get("value")
            if isinstance(value, str) and value.strip().isdigit():
                codes.add(value.strip())
        gminas = {unit.code: unit for unit in Municipality.objects.filter(code__in=codes).select_related("county")}
        counties = {unit.code: unit for unit in County.objects.filter(code__in=codes)}
        voivodeships = {unit.code: unit for unit in Voivodeship.objects.filter(code__in=codes)}
        return gminas, counties, voivodeships

    def check_rows(
        self, gminas: dict[str, Municipality], counties: dict[str, County], voivodeships: dict[str, Voivodeship]
    ) -> None:
        for record in self.live("service"):
            low, high = record.values.get("minimum_age"), record.values.get("maximum_age")
            if low is not None and high is not None and low > high:
                self.problem(record, "maximum_age", f"{high} is below the minimum age {low}", "value")
        for record in self.live("service_area"):
            uri = record.values.get("uri")
            if isinstance(uri, str) and uri.startswith(TERYT_URN):
                code = uri.removeprefix(TERYT_URN)
                if code not in gminas and code not in counties and code not in voivodeships:
                    self.problem(record, "uri", f"{shown(uri)}: no TERYT unit has the code {shown(code)}", "value")
        for record in self.live("phone"):
            organization = record.values.get("organization_id")
            if organization and record.id == synthetic_id("phone", organization):
                try:
                    validate_phone(record.values.get("number") or "")
                except ValidationError as error:
                    self.problem(record, "number", " ".join(str(m) for m in error.messages), "row")
        for record in self.live("organization_identifier"):
            kind = identifier_kind(record)
            validator: Callable[[str], None] | None = {"REGON": validate_regon, "KRS": validate_krs}.get(kind or "")
            if validator is None:
                continue
            value = (record.values.get("identifier") or "").strip()
            try:
                validator(value)
            except ValidationError as error:
                self.problem(record, "identifier", " ".join(str(m) for m in error.messages), "row")
                continue
            others = Institution.objects.filter(regon=value)
            if record.values.get("organization_id"):
                others = others.exclude(public_id=record.values["organization_id"])
            if kind == "REGON" and others.exists():
                self.problem(record, "identifier", "another institution of the directory has this REGON", "row")
        self.check_pairs(
            "service_at_location", ("service_id", "location_id"), "this service is already at this location"
        )
        self.check_terms()

    def check_pairs(
        self, table: str, names: tuple[str, ...], message: str, records: Iterable[Record] | None = None
    ) -> None:
        first: dict[tuple[Any, ...], Record] = {}
        for record in self.live(table) if records is None else records:
            key = tuple(record.values.get(name) or "" for name in names)
            if not all(key[:2]):
                continue
            if key in first:
                self.problem(record, names[-1], f"{message} (row {first[key].origin.row})", "row")
            else:
                first[key] = record

    def check_terms(self) -> None:
        """A term's code is unique in its taxonomy, and no term is its own ancestor."""
        codes: dict[tuple[str, str], Record] = {}
        parents: dict[str, str] = {}
        for record in self.live("taxonomy_term"):
            code = record.values.get("code")
            taxonomy = record.values.get("taxonomy_id") or record.values.get("taxonomy") or ""
            if code:
                if (taxonomy, code) in codes:
                    self.problem(
                        record,
                        "code",
                        f"the code is used twice in one taxonomy (row {codes[(taxonomy, code)].origin.row})",
                        "value",
                    )
                else:
                    codes[(taxonomy, code)] = record
            if record.id and record.values.get("parent_id"):
                parents[record.id] = record.values["parent_id"]
        for record in self.live("taxonomy_term"):
            seen = {record.id}
            current = parents.get(record.id or "")
            while current is not None:
                if current in seen:
                    self.problem(record, "parent_id", "the parents of this term lead back to it", "value")
                    parents.pop(record.id or "", None)
                    break
                seen.add(current)
                current = parents.get(current)

    # --- References -------------------------------------------------------------------------------

    def check_references(self) -> None:
        """Every reference points to a row of the package or of the directory. Lenient, repeated
        until nothing more is given up: a skipped row leaves its dependants dangling in turn."""
        everything = self.file_ids(live_only=False)
        while True:
            present = self.file_ids(live_only=True)
            changed = False
            for table, records in self.records.items():
                spec = tables()[table]
                for record in records:
                    if record.skipped:
                        continue
                    references = [(name, [target]) for name, target in spec.references.items()]
                    if table in POLYMORPHIC_REFERENCES:
                        link, kind = POLYMORPHIC_REFERENCES[table]
                        references.append((link, self.polymorphic_targets(record.values.get(kind))))
                    for name, targets in references:
                        value = record.values.get(name)
                        if not isinstance(value, str) or any(self.exists(t, value, present) for t in targets):
                            continue
                        what: str = f"{targets[0]} {value}" if len(targets) == 1 else value
                        if any(value in everything.get(target, set()) for target in targets):
                            message = f"refers to {what}, a row that was skipped"
                        elif len(targets) == 1:
                            message = f"refers to {what}, which is neither in the package nor in the directory"
                        else:
                            entity_field = POLYMORPHIC_REFERENCES[table][1]
                            message = (
                                f"refers to {what}, which is in no table of the package or the directory "
                                f"({entity_field} {record.values.get(entity_field)!r} is not an HSDS table)"
                            )
                        self.problem(record, name, message, "value")
                        changed = True
            if not (self.lenient and changed):
                return

    def exists(self, table: str, value: str, present: dict[str, set[str]]) -> bool:
        return value in present.get(table, set()) or value in self.db_ids.get(table, set())

    # --- Taxonomy terms and the attributes carrying our fields --------------------------------------

    def term_keys(self) -> dict[str, tuple[str | None, str | None]]:
        """Term id -> (taxonomy code, term code) for every term the package's attributes use,
        known from the package or from the directory."""
        taxonomy_codes: dict[str, str | None] = {}
        for record in self.records.get("taxonomy", []):
            uri = record.values.get("uri")
            if record.id:
                taxonomy_codes[record.id] = (
                    uri.removeprefix(TAXONOMY_URN) if isinstance(uri, str) and uri.startswith(TAXONOMY_URN) else None
                )
        wanted_taxonomies = {
            record.values["taxonomy_id"]
            for record in self.records.get("taxonomy_term", [])
            if record.values.get("taxonomy_id")
        }
        for public_id, code in Taxonomy.objects.filter(public_id__in=wanted_taxonomies).values_list(
            "public_id", "code"
        ):
            taxonomy_codes[str(public_id)] = code
        keys: dict[str, tuple[str | None, str | None]] = {}
        for record in self.records.get("taxonomy_term", []):
            if record.id:
                keys[record.id] = (
                    taxonomy_codes.get(record.values.get("taxonomy_id") or ""),
                    record.values.get("code"),
                )
        wanted_terms = {
            record.values["taxonomy_term_id"]
            for record in self.records.get("attribute", [])
            if record.values.get("taxonomy_term_id") and record.values["taxonomy_term_id"] not in keys
        }
        for public_id, code, taxonomy in TaxonomyTerm.objects.filter(public_id__in=wanted_terms).values_list(
            "public_id", "code", "taxonomy__code"
        ):
            keys[str(public_id)] = (taxonomy, code)
        return keys

    def check_attributes(
        self,
        term_keys: dict[str, tuple[str | None, str | None]],
        gminas: dict[str, Municipality],
        counties: dict[str, County],
        voivodeships: dict[str, Voivodeship],
    ) -> dict[str, str]:
        """Attributes of `kooperacja-fields` terms carry our fields: their values must be what
        the field holds. Returns attribute id -> field code for those kept."""
        found: dict[str, str] = {}
        single: dict[tuple[str, str], Record] = {}
        not_kept = 0
        terms: list[Record] = []
        for record in self.live("attribute"):
            taxonomy, code = term_keys.get(record.values.get("taxonomy_term_id") or "", (None, None))
            if taxonomy != FIELDS or code is None or record.id is None:
                if record.values.get("link_entity") == "service":
                    terms.append(record)
                else:
                    not_kept += 1
                continue
            entity = record.values.get("link_entity")
            value = (record.values.get("value") or "").strip()
            expected = {
                "service": (*BOOLEAN_FIELDS, *NUMBER_FIELDS, RESIDENCE),
                "location": (GMINA,),
                "organization": (GMINA,),
            }
            if code not in expected.get(str(entity), ()):
                self.notes.append(
                    f"{record.origin.file}, row {record.origin.row}: the field {code!r} is not kept on a {entity}, "
                    "ignored"
                )
                continue
            message = field_value_problem(code, str(entity), value, gminas, counties, voivodeships)
            if message:
                self.problem(record, "value", message, "value")
                continue
            key = (str(record.values.get("link_id")), code if code != RESIDENCE else f"{code}:{value}")
            if key in single:
                self.problem(
                    record,
                    "taxonomy_term_id",
                    f"the field {code!r} is given twice (row {single[key].origin.row})",
                    "row",
                )
                continue
            single[key] = record
            found[record.id] = code
        self.check_pairs(
            "attribute",
            ("link_id", "taxonomy_term_id", "link_type"),
            "the same term is already attached the same way",
            terms,
        )
        if not_kept:
            self.notes.append(
                f"{tables()['attribute'].path}: {not_kept} attribute(s) of other entities than services "
                "(the directory keeps terms on services only) were ignored"
            )
        return found

    # --- Organizations: territory of the new ones, the rules of an institution -------------------------

    def check_organizations(
        self,
        field_terms: dict[str, str],
        gminas: dict[str, Municipality],
        counties: dict[str, County],
        voivodeships: dict[str, Voivodeship],
    ) -> dict[str, Municipality | County | Voivodeship]:
        """Each new organization's territory (docs/hsds.md: its own `gmina` attribute, a location's,
        an address's voivodeship, else --territory); without one, a problem."""
        existing = self.db_ids.get("organization", set())
        territories: dict[str, Municipality | County | Voivodeship] = {}
        new = [record for record in self.live("organization") if record.id and record.id not in existing]
        if not new:
            self.check_institutions(territories, existing)
            return territories
        own_unit: dict[str, str] = {}
        location_gmina: dict[str, str] = {}
        for record in self.live("attribute"):
            if field_terms.get(record.id or "") != GMINA:
                continue
            if record.values.get("link_entity") == "organization":
                own_unit[str(record.values.get("link_id"))] = str(record.values.get("value")).strip()
            else:
                location_gmina[str(record.values.get("link_id"))] = str(record.values.get("value")).strip()
        locations_of: dict[str, list[str]] = defaultdict(list)
        for record in self.live("location"):
            if record.values.get("organization_id") and record.id:
                locations_of[record.values["organization_id"]].append(record.id)
        provinces: dict[str, list[str]] = defaultdict(list)
        for record in self.live("address"):
            if record.values.get("location_id") and record.values.get("state_province"):
                provinces[record.values["location_id"]].append(record.values["state_province"])
        voivodeship_names = {_folded_province(unit.name): unit for unit in Voivodeship.objects.all()}
        for record in new:
            if record.id is None:
                continue
            unit: Municipality | County | Voivodeship | None = None
            code = own_unit.get(record.id)
            if code:
                unit = gminas.get(code) or counties.get(code) or voivodeships.get(code)
            for location in locations_of.get(record.id, []):
                if unit is None and location_gmina.get(location) in gminas:
                    unit = gminas[location_gmina[location]]
            for location in locations_of.get(record.id, []):
                for province in provinces.get(location, []):
                    unit = unit or voivodeship_names.get(_folded_province(province))
            unit = unit or self.territory
            if unit is None:
                self.problem(
                    record,
                    "id",
                    "a new organization needs its territory: give it a 'gmina' attribute (kooperacja-fields), "
                    "a location with one, an address with a voivodeship, or run with --territory TERYT",
                    "row",
                )
                continue
            territories[record.id] = unit
        self.check_institutions(territories, existing)
        return territories

    def check_institutions(
        self, territories: dict[str, Municipality | County | Voivodeship], existing: set[str]
    ) -> None:
        """The rules of an institution (length of fields, unique name in its territory) for every
        organization the import creates or changes."""
        known = {
            str(institution.public_id): institution
            for institution in Institution.objects.filter(
                public_id__in=[record.id for record in self.live("organization") if record.id in existing]
            ).select_related("municipality", "county", "voivodeship")
        }
        names: dict[tuple[str, int | None, int | None, int | None], Record] = {}
        for record in self.live("organization"):
            if record.id is None:
                continue
            institution = known.get(record.id) or new_institution(record, territories.get(record.id))
            if institution is None:  # a new organization without its territory: reported already
                continue
            changed = apply_organization(institution, record.values)
            if institution.pk is not None and not changed:
                continue  # as the directory holds it: nothing to check
            try:
                institution.full_clean(exclude=["phone", "regon", "krs", "sector", "kind"])
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    hsds = {"short_name": "alternate_name"}.get(name, name)
                    self.problem(record, hsds if hsds in KEPT["organization"] else None, " ".join(messages), "row")
                continue
            key = (
                " ".join(institution.name.split()).casefold(),
                institution.municipality_id,
                institution.county_id,
                institution.voivodeship_id,
            )
            if key in names:
                self.problem(
                    record, "name", f"the same name as row {names[key].origin.row}, in the same territory", "row"
                )
            names[key] = record

    # --- Rows that link to nothing we keep ----------------------------------------------------

    def leave_out_unlinked(self) -> None:
        for table, links in LINKS.items():
            left_out = 0
            for record in self.live(table):
                if not any(record.values.get(link) for link in links):
                    record.skipped = True
                    left_out += 1
            if left_out:
                self.notes.append(
                    f"{tables()[table].path}: {left_out} row(s) linked to none of {', '.join(links)} were left out"
                )


# --- Helpers shared with the writer ---------------------------------------------------------------


def identifier_kind(record: Record) -> str | None:
    """REGON or KRS, for an organization identifier of one of those schemes; None otherwise."""
    scheme = str(record.values.get("identifier_scheme") or "").strip().upper()
    kind = str(record.values.get("identifier_type") or "").strip().upper()
    if scheme == REGON_SCHEME or (not scheme and kind == "REGON"):
        return "REGON"
    if scheme == KRS_SCHEME or (not scheme and kind == "KRS"):
        return "KRS"
    return None


def _folded_province(name: str) -> str:
    words = name.casefold().replace("województwo", "").replace("woj.", "").split()
    return " ".join(words)


def new_institution(record: Record, unit: Municipality | County | Voivodeship | None) -> Institution | None:
    """The institution a new organization becomes: of kind and sector `other`, in its territory."""
    if unit is None:
        return None
    institution = Institution(kind=InstitutionKind.OTHER, sector=Sector.OTHER)
    if record.id:
        institution.public_id = uuid.UUID(record.id)
    if isinstance(unit, Municipality):
        institution.municipality = unit
        institution.county = unit.county
        institution.voivodeship = unit.county.voivodeship
    elif isinstance(unit, County):
        institution.county = unit
        institution.voivodeship = unit.voivodeship
    else:
        institution.voivodeship = unit
    return institution


def apply_organization(institution: Institution, values: dict[str, Any]) -> list[str]:
    """Set an institution's fields from an organization row; returns the names changed. The
    description the export makes up for an institution without one stays made up, not kept."""
    changed = []
    incoming = {
        "name": values.get("name") or institution.name,
        "short_name": values.get("alternate_name") or "",
        "email": values.get("email") or "",
        "website": values.get("website") or "",
    }
    for name, value in incoming.items():
        if getattr(institution, name) != value:
            setattr(institution, name, value)
            changed.append(name)
    description = values.get("description") or ""
    if is_generated_description(institution, description):
        description = ""
    if institution.description != description:
        institution.description = description
        changed.append("description")
    return changed
