"""Reading an HSDS 3.0 package into rows, before anything is checked against the tables' rules.

A package is a folder with `datapackage.json` and one CSV per table, or a folder with
`json/services.json` and/or `json/organizations.json` (arrays of compiled objects; the folder
itself may be the `json/` one). Compiled objects are flattened into the same table rows a CSV
holds: a nested object is a row of its table, linked to the object it is nested in.

What the reader refuses by itself: a file over MAX_FILE_BYTES, a file that is not UTF-8, CSV
that cannot be parsed, a row with more or fewer cells than the header, JSON that is not an
array of objects. Each is a Problem naming the file, the row (1-based data row, or the
item of a JSON array) and the field.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from kooperacja.directory.hsds.tables import JSON_FOLDER, ORGANIZATIONS_JSON, SERVICES_JSON, tables

# Per file. The whole directory of a country fits well below it; a larger file is a mistake
# (or an attack) and would hold the import's memory and transaction for too long.
MAX_FILE_BYTES = 50 * 1024 * 1024

Scope = Literal["value", "row", "file"]


@dataclass(frozen=True)
class Origin:
    file: str  # "locations.csv", "json/services.json"
    row: int | None  # 1-based data row of a CSV, 1-based item of a JSON array
    path: str = ""  # within a JSON item: "service_at_locations[0].location."


@dataclass
class Problem:
    """Something the import cannot take as it is. Strict, any problem refuses the whole import;
    lenient, the `scope` says what is given up: the value (cleared), the row or the file."""

    file: str
    row: int | None
    field: str | None
    message: str
    scope: Scope = "row"
    resolution: str = ""

    def line(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field {self.field}"
        text = f"{where}: {self.message}"
        if self.resolution:
            text += f" [{self.resolution}]"
        return text


@dataclass
class SourceRow:
    table: str
    values: dict[str, str]
    origin: Origin
    # Only the one-to-one fields are here (an organization nested in a service, a service
    # listed in an organization): what hangs on it is not in the file, so it is not replaced.
    partial: bool = False


@dataclass
class Package:
    kind: Literal["csv", "json", "none"]
    rows: dict[str, list[SourceRow]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, row: SourceRow) -> None:
        self.rows.setdefault(row.table, []).append(row)


def read_package(directory: Path) -> Package:
    """Every row of the package in `directory` (a CSV datapackage or JSON files)."""
    if not directory.is_dir():
        package = Package("none")
        package.problems.append(Problem(str(directory), None, None, "not a folder", "file"))
        return package
    if (directory / "datapackage.json").is_file() or any(
        (directory / spec.path).is_file() for spec in tables().values()
    ):
        return _read_csv_package(directory)
    for folder in (directory / JSON_FOLDER, directory):
        if (folder / SERVICES_JSON).is_file() or (folder / ORGANIZATIONS_JSON).is_file():
            return _read_json_package(directory, folder)
    package = Package("none")
    package.problems.append(
        Problem(
            str(directory),
            None,
            None,
            "no HSDS package here: expected datapackage.json with CSV files, or json/services.json",
            "file",
        )
    )
    return package


def _read_text(path: Path, name: str, package: Package) -> str | None:
    """The file's text, or None with a problem: too big, or not UTF-8 (a BOM is allowed)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        package.problems.append(
            Problem(
                name,
                None,
                None,
                f"the file has {size} bytes, more than the limit of {MAX_FILE_BYTES} bytes per file; "
                "split the data or import it in parts",
                "file",
            )
        )
        return None
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        package.problems.append(
            Problem(
                name,
                None,
                None,
                f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}); save it as UTF-8",
                "file",
            )
        )
        return None


def _safe_path(directory: Path, relative: object) -> Path | None:
    """A resource path of the datapackage, only if it stays inside the package's folder."""
    if not isinstance(relative, str) or not relative or "\\" in relative or relative.startswith("/"):
        return None
    candidate = (directory / relative).resolve()
    return candidate if candidate.is_relative_to(directory.resolve()) else None


def _read_csv_package(directory: Path) -> Package:
    package = Package("csv")
    paths = {name: (directory / spec.path, spec.path, ",") for name, spec in tables().items()}
    descriptor = directory / "datapackage.json"
    if descriptor.is_file():
        text = _read_text(descriptor, "datapackage.json", package)
        if text is not None:
            try:
                declared = json.loads(text)
            except json.JSONDecodeError as error:
                package.problems.append(
                    Problem(
                        "datapackage.json", None, None, f"not valid JSON: {error.msg} (line {error.lineno})", "file"
                    )
                )
                declared = {}
            resources = declared.get("resources") if isinstance(declared, dict) else None
            for resource in resources if isinstance(resources, list) else []:
                if not isinstance(resource, dict) or resource.get("name") not in paths:
                    continue
                path = _safe_path(directory, resource.get("path"))
                if path is None:
                    package.problems.append(
                        Problem(
                            "datapackage.json",
                            None,
                            f"resources.{resource['name']}.path",
                            "the path must be a file inside the package's folder",
                            "file",
                        )
                    )
                    continue
                dialect = resource.get("dialect")
                delimiter = dialect.get("delimiter", ",") if isinstance(dialect, dict) else ","
                if not isinstance(delimiter, str) or len(delimiter) != 1:
                    delimiter = ","
                paths[resource["name"]] = (path, str(resource["path"]), delimiter)
    for table, (path, name, delimiter) in paths.items():
        if path.is_file():
            _read_csv(table, path, name, delimiter, package)
    return package


def _read_csv(table: str, path: Path, name: str, delimiter: str, package: Package) -> None:
    text = _read_text(path, name, package)
    if text is None:
        return
    spec = tables()[table]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        header = next(reader, None)
        if header is None:
            return
        header = [column.strip() for column in header]
        duplicates = sorted({column for column in header if header.count(column) > 1})
        if duplicates:
            package.problems.append(
                Problem(name, None, ", ".join(duplicates), "the header names this column more than once", "file")
            )
            return
        unknown = [column for column in header if column and spec.field(column) is None]
        if unknown:
            package.notes.append(f"{name}: columns that are not HSDS 3.0 were ignored: {', '.join(unknown)}")
        for cells in reader:
            number += 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                package.problems.append(
                    Problem(
                        name,
                        number,
                        None,
                        f"the row has {len(cells)} values, the header {len(header)} columns",
                        "row",
                    )
                )
                continue
            values = {column: cell for column, cell in zip(header, cells, strict=True) if column and spec.field(column)}
            package.add(SourceRow(table, values, Origin(name, number)))
    except csv.Error as error:
        package.problems.append(
            Problem(name, number + 1, None, f"the CSV cannot be read from here on: {error}", "file")
        )


# --- JSON: compiled objects flattened into table rows -----------------------------------------

# A key holding one nested object, and the field of the parent that names it.
ONE: dict[tuple[str, str], tuple[str, str]] = {
    ("service", "organization"): ("organization", "organization_id"),
    ("service", "program"): ("program", "program_id"),
    ("service_at_location", "location"): ("location", "location_id"),
    ("service_at_location", "service"): ("service", "service_id"),
    ("attribute", "taxonomy_term"): ("taxonomy_term", "taxonomy_term_id"),
    ("taxonomy_term", "taxonomy_detail"): ("taxonomy", "taxonomy_id"),
}
# Nested objects that carry only their one-to-one fields (compiled schemas nest them so).
STAND_INS = {("service", "organization"), ("organization", "service"), ("service_at_location", "service")}
# A key holding a list of nested objects, and their table.
MANY: dict[str, str] = {
    "phones": "phone",
    "schedules": "schedule",
    "service_areas": "service_area",
    "service_at_locations": "service_at_location",
    "languages": "language",
    "funding": "funding",
    "cost_options": "cost_option",
    "required_documents": "required_document",
    "contacts": "contact",
    "attributes": "attribute",
    "metadata": "metadata",
    "addresses": "address",
    "accessibility": "accessibility",
    "locations": "location",
    "programs": "program",
    "organization_identifiers": "organization_identifier",
    "services": "service",
}


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Flattener:
    def __init__(self, package: Package, file: str) -> None:
        self.package = package
        self.file = file
        self.seen: dict[tuple[str, str], SourceRow] = {}
        self.ignored_keys: set[str] = set()

    def flatten(
        self, table: str, item: dict[str, Any], origin: Origin, parent: tuple[str, str] | None, *, partial: bool
    ) -> str:
        """Add the item's row (and its nested rows); returns its id as written."""
        spec = tables()[table]
        values: dict[str, str] = {}
        nested: list[tuple[str, str, dict[str, Any], str]] = []  # (table, key path, item, link field)
        for key, value in item.items():
            if (table, key) in ONE:
                if isinstance(value, dict):
                    child_table, link = ONE[(table, key)]
                    nested.append((child_table, f"{origin.path}{key}.", value, link))
                elif value is not None:
                    self._problem(origin, key, "must be an object")
            elif key in MANY and spec.field(key) is None:
                if not isinstance(value, list):
                    if value is not None:
                        self._problem(origin, key, "must be a list")
                    continue
                for index, child in enumerate(value):
                    if not isinstance(child, dict):
                        self._problem(origin, f"{key}[{index}]", "must be an object")
                        continue
                    nested.append((MANY[key], f"{origin.path}{key}[{index}].", child, ""))
            elif spec.field(key) is not None:
                if isinstance(value, dict | list):
                    self._problem(origin, key, "must be a single value, not a list or an object")
                else:
                    values[key] = _scalar(value)
            else:
                self.ignored_keys.add(f"{table}.{key}")
        if parent is not None:
            parent_table, parent_id = parent
            if table == "attribute":
                values.setdefault("link_id", parent_id)
                values.setdefault("link_entity", parent_table)
            elif table == "metadata":
                values.setdefault("resource_id", parent_id)
                values.setdefault("resource_type", parent_table)
            elif spec.field(f"{parent_table}_id") is not None and not values.get(f"{parent_table}_id"):
                values[f"{parent_table}_id"] = parent_id
        row_id = values.get("id", "").strip().lower()
        for child_table, path, child, link in nested:
            child_id = self.flatten(
                child_table,
                child,
                Origin(origin.file, origin.row, path),
                None if link else (table, row_id),
                partial=(table, child_table) in STAND_INS,
            )
            if link and not values.get(link):
                values[link] = child_id
        self._add(SourceRow(table, values, origin, partial))
        return row_id

    def _add(self, row: SourceRow) -> None:
        key = (row.table, row.values.get("id", "").strip().lower())
        if not key[1]:
            self.package.add(row)
            return
        first = self.seen.get(key)
        if first is None:
            self.seen[key] = row
            self.package.add(row)
            return
        # The same object nested in several places: one row, with every link it was found under.
        for name, value in row.values.items():
            if value and not first.values.get(name):
                first.values[name] = value
        first.partial = first.partial and row.partial

    def _problem(self, origin: Origin, key: str, message: str) -> None:
        self.package.problems.append(Problem(origin.file, origin.row, f"{origin.path}{key}", message, "row"))


def _read_json_package(directory: Path, folder: Path) -> Package:
    package = Package("json")
    prefix = "" if folder == directory else f"{JSON_FOLDER}/"
    flattener: _Flattener | None = None
    for file, table in ((SERVICES_JSON, "service"), (ORGANIZATIONS_JSON, "organization")):
        path = folder / file
        if not path.is_file():
            continue
        name = prefix + file
        text = _read_text(path, name, package)
        if text is None:
            continue
        try:
            items = json.loads(text)
        except json.JSONDecodeError as error:
            package.problems.append(
                Problem(
                    name, None, None, f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})", "file"
                )
            )
            continue
        except RecursionError:
            package.problems.append(Problem(name, None, None, "the JSON is nested too deeply", "file"))
            continue
        if not isinstance(items, list):
            package.problems.append(Problem(name, None, None, f"must be a JSON array of {table} objects", "file"))
            continue
        if flattener is None:
            flattener = _Flattener(package, name)
        for number, item in enumerate(items, start=1):
            origin = Origin(name, number)
            if not isinstance(item, dict):
                package.problems.append(Problem(name, number, None, f"must be a {table} object", "row"))
                continue
            try:
                flattener.flatten(table, item, origin, None, partial=False)
            except RecursionError:
                package.problems.append(Problem(name, number, None, "the object is nested too deeply", "row"))
    if flattener is not None and flattener.ignored_keys:
        package.notes.append("keys that are not HSDS 3.0 were ignored: " + ", ".join(sorted(flattener.ignored_keys)))
    return package
