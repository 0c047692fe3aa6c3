"""Public directory search at 2 000 and at 200 000 services, on SQLite and on PostgreSQL.

    .venv/bin/python bench/directory_search.py                  # both databases, both sizes
    .venv/bin/python bench/directory_search.py --db postgresql  # one database
    .venv/bin/python bench/directory_search.py --keep           # keep (and reuse) the databases

For each database and size it builds a fresh database (SQLite: a file under var/bench/;
PostgreSQL: a database created, and dropped at the end, on the server of --postgres-url),
migrates it, fills it with `generate_scale_data`, then times a mix of common Polish searches,
with and without a gmina filter, two ways:

* `query`: what the search runs — the first page of `Service.objects.listed().matching(q,
  gmina=g)` through `ResultsPage.of` (matches found up to the cap of 1001, then sorted);
* `view`: the public page through Django's test client, `GET /directory/?q=…&gmina=…`.

It prints p50 and p95 per database, size and way, and the ratio large/small. Target on
PostgreSQL (DESIGN.md §7, issue #5): p95 ≤ 100 ms at 200 000 services, ratio ≤ 2.

Each database and size runs in a child process of its own (a Django process has one set of
settings), started by this script with `--child`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
# Services per gmina stay the same at both sizes (about 80: the national target of 200 000
# services in Poland's 2 477 gminas): the small database has a few dozen gminas, the large all.
NATIONAL_SERVICES = 200_000
NATIONAL_GMINAS = 2477
QUERIES = [
    "poradnia",
    "poradni",
    "pomoc psychologiczna",
    "terapia uzależnień",
    "klub seniora",
    "asystent rodziny",
    "dowóz",
    "lodz",
    "usługi opiekuńcze",
    "interwencja kryzysowa",
    "świetlica",
    "pośrednictwo pracy",
    "rehabilitacja",
    "pomoc prawna",
    "dzielnicowy",
    "wolontariat",
    "przemoc",
    "logopeda",
    "mieszkanie chronione",
    "porad",
    "seniorzy gmina",
]


# --- The child: one database, one size -------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    # Production-like settings over plain HTTP with throwaway secrets: the test environment.
    import kooperacja.testing  # noqa: F401 — sets the environment before Django reads it

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kooperacja.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from kooperacja.directory.models import Service
    from kooperacja.directory.presentation import ResultsPage
    from kooperacja.territory.models import Municipality

    size = args.size
    gminas = min(NATIONAL_GMINAS, max(20, round(size * NATIONAL_GMINAS / NATIONAL_SERVICES)))
    started = time.perf_counter()
    if not args.reuse:
        call_command("migrate", verbosity=0)
        call_command("generate_scale_data", "--seed", "1", "--gminas", str(gminas), "--services", str(size))
    build_seconds = time.perf_counter() - started

    rng = random.Random(f"bench/{size}")  # noqa: S311 — picks test gminas, nothing secret
    codes = sorted(Municipality.objects.values_list("code", flat=True))
    filter_gminas = rng.sample(codes, 5)
    gmina_objects = {gmina.code: gmina for gmina in Municipality.objects.filter(code__in=filter_gminas)}
    cases = [(query, None) for query in QUERIES] + [
        (query, filter_gminas[index % len(filter_gminas)]) for index, query in enumerate(QUERIES)
    ]

    def run_query(query: str, gmina: str | None) -> int:
        page = ResultsPage.of(Service.objects.listed().matching(query, gmina=gmina_objects.get(gmina or "")), 1)
        return page.count

    client = Client()

    def run_view(query: str, gmina: str | None) -> int:
        params = {"q": query} | ({"gmina": gmina} if gmina else {})
        response = client.get(f"/directory/?{urlencode(params)}")
        if response.status_code != 200:
            raise SystemExit(f"GET /directory/?{urlencode(params)} answered {response.status_code}")
        return len(response.content)

    results: dict[str, Any] = {
        "vendor": connection.vendor,
        "size": Service.objects.count(),
        "gminas": Municipality.objects.count(),
        "build_seconds": round(build_seconds, 1),
        "ways": {},
    }
    matches = {f"{q} @ {g or '-'}": run_query(q, g) for q, g in cases}  # also the warm-up of the query way
    results["matches"] = matches

    ways = {"query": run_query, "view": run_view}
    for way in args.ways.split(","):
        measure = ways[way]
        for query, gmina in cases:  # warm-up
            measure(query, gmina)
        timings: list[float] = []
        per_case: dict[str, list[float]] = {}
        for _round in range(args.rounds):
            for query, gmina in cases:
                begun = time.perf_counter()
                measure(query, gmina)
                took = (time.perf_counter() - begun) * 1000
                timings.append(took)
                per_case.setdefault(f"{query} @ {gmina or '-'}", []).append(took)
        slowest = sorted(per_case.items(), key=lambda item: -statistics.median(item[1]))[:3]
        results["ways"][way] = {
            "requests": len(timings),
            "p50": round(percentile(timings, 0.50), 1),
            "p95": round(percentile(timings, 0.95), 1),
            "max": round(max(timings), 1),
            "slowest": [(name, round(statistics.median(values), 1)) for name, values in slowest],
        }
    if args.explain and connection.vendor == "postgresql":
        explained = {}
        for name, _median in results["ways"].get("query", {}).get("slowest", []):
            query, _at, gmina = name.partition(" @ ")
            services = Service.objects.listed().matching(query, gmina=gmina_objects.get(gmina))
            # The statement that finds the matches; the page then reads 20 services by key.
            explained[name] = {"found": services.order_by().values_list("name", "pk")[:1001].explain(analyze=True)}
        results["explain"] = explained
    print("RESULT " + json.dumps(results, ensure_ascii=False), flush=True)


# --- The parent: databases, children, the report -----------------------------------------------


def postgres_database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_execute(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(postgres_database_url(base, "postgres"), autocommit=True) as connection:
        connection.execute(sql)


def run_child(vendor: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ)
    reuse = False
    if vendor == "sqlite":
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        path = BENCH_DIR / f"directory_{size}.sqlite3"
        if args.keep and path.exists():
            reuse = True
        else:
            for stale in BENCH_DIR.glob(f"directory_{size}.sqlite3*"):
                stale.unlink()
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        name = f"kooperacja_bench_{size}"
        if args.keep and _postgres_has(args.postgres_url, name):
            reuse = True
        else:
            admin_execute(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}"')
            admin_execute(args.postgres_url, f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = postgres_database_url(args.postgres_url, name)
    command = [sys.executable, __file__, "--child", "--size", str(size), "--rounds", str(args.rounds)]
    command += ["--ways", args.ways] + (["--reuse"] if reuse else []) + (["--explain"] if args.explain else [])
    print(f"\n=== {vendor}, {size} services{' (reusing the kept database)' if reuse else ''}", flush=True)
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)  # noqa: S603
    result: dict[str, Any] | None = None
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
        else:
            print(line, end="", flush=True)
    if process.wait() != 0 or result is None:
        raise SystemExit(f"The benchmark of {vendor} at {size} services failed.")
    if not args.keep:
        if vendor == "postgresql":
            admin_execute(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}"')
        else:
            for used in BENCH_DIR.glob(f"directory_{size}.sqlite3*"):
                used.unlink()
    return result


def _postgres_has(base: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(postgres_database_url(base, "postgres"), autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def report(results: list[dict[str, Any]], small: int, large: int) -> str:
    lines = [
        "",
        f"{'database':<11} {'services':>9} {'gminas':>6} {'way':<6} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'max ms':>8}   build",
    ]
    for result in results:
        for way, figures in result["ways"].items():
            lines.append(
                f"{result['vendor']:<11} {result['size']:>9} {result['gminas']:>6} {way:<6} {figures['requests']:>8}"
                f" {figures['p50']:>8} {figures['p95']:>8} {figures['max']:>8}   {result['build_seconds']} s"
            )
    lines.append("")
    for vendor in dict.fromkeys(result["vendor"] for result in results):
        by_size = {result["size"]: result for result in results if result["vendor"] == vendor}
        if small not in by_size or large not in by_size:
            continue
        for way in by_size[large]["ways"]:
            p95_small, p95_large = by_size[small]["ways"][way]["p95"], by_size[large]["ways"][way]["p95"]
            p50_small, p50_large = by_size[small]["ways"][way]["p50"], by_size[large]["ways"][way]["p50"]
            lines.append(
                f"{vendor} {way}: ratio {large}/{small} p95 {p95_large / p95_small:.2f},"
                f" p50 {p50_large / p50_small:.2f}"
            )
    for result in results:
        for way, figures in result["ways"].items():
            slowest = "; ".join(f"{name} {median} ms" for name, median in figures["slowest"])
            lines.append(f"slowest ({result['vendor']} {result['size']} {way}, median): {slowest}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite,postgresql", help="sqlite, postgresql or both (comma-separated)")
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=6, help="timed passes over the 42 searches, after one warm-up")
    parser.add_argument(
        "--ways",
        default="query,view",
        help="query, view (comma-separated)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases and reuse kept ones")
    parser.add_argument("--explain", action="store_true", help="PostgreSQL: EXPLAIN ANALYZE the slowest searches")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    results = [run_child(vendor, size, args) for vendor in args.db.split(",") for size in (args.small, args.large)]
    print(report(results, args.small, args.large))
    for result in results:
        for name, plans in result.get("explain", {}).items():
            print(f"\n--- EXPLAIN ANALYZE ({result['vendor']} {result['size']}): {name}")
            print(plans["found"])
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
