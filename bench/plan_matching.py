"""The matching engine at 500 and at 50 000 services on PostgreSQL: 10 needs of one person.

    .venv/bin/python bench/plan_matching.py            # builds both databases, drops them after
    .venv/bin/python bench/plan_matching.py --keep     # keep (and reuse) the databases

For each size it builds a fresh database (`bench_matching_<size>` on --postgres-url, default
`postgres://postgres@127.0.0.1:5432/postgres`), migrates it and fills it with
`generate_scale_data` (the same ~80 services per gmina at both sizes), adds a few people
(one in each of several gminas, of various ages, incomes and accessibility needs, each with
a person's case), then times `candidates.suggestions_for_case` for 10 needs of each: the
person's profile, the candidates of the 10 needs loaded in a fixed number of queries, and
ranking with reasons. It prints p50, p95 and max per size, the queries per request, and the
ratio large/small. Target (issue #7): p95 ≤ 50 ms at 50 000 services, ratio ≤ 3.

Each size runs in a child process of its own (a Django process has one set of settings).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.directory_search import admin_execute, percentile, postgres_database_url  # noqa: E402

NATIONAL_SERVICES = 200_000
NATIONAL_GMINAS = 2477
PEOPLE = 8
NEEDS = 10


def child(args: argparse.Namespace) -> None:
    import kooperacja.testing  # noqa: F401 — sets the environment before Django reads it

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kooperacja.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kooperacja.cases.models import Case, CaseKind, Person
    from kooperacja.directory.models import Service, TaxonomyTerm
    from kooperacja.institutions.models import Institution, InstitutionKind
    from kooperacja.plans import candidates
    from kooperacja.plans.models import Need
    from kooperacja.plans.needs import NeedOfCase
    from kooperacja.territory.models import Municipality

    size = args.size
    gminas = min(NATIONAL_GMINAS, max(20, round(size * NATIONAL_GMINAS / NATIONAL_SERVICES)))
    started = time.perf_counter()
    if not args.reuse:
        call_command("migrate", verbosity=0)
        call_command("generate_scale_data", "--seed", "1", "--gminas", str(gminas), "--services", str(size))
    build_seconds = time.perf_counter() - started

    rng = random.Random(f"matching/{size}")  # noqa: S311 — picks test people, nothing secret
    offices = list(Institution.objects.filter(kind=InstitutionKind.GOPS).order_by("id"))
    access_terms = list(TaxonomyTerm.objects.accessibility_features())
    cases = []
    for index, office in enumerate(rng.sample(offices, PEOPLE)):
        person, _created = Person.objects.get_or_create(
            institution=office,
            municipality=office.municipality,
            first_name="Bench",
            last_name=f"Osoba {index}",
            defaults={
                "birth_date": dt.date(1940 + rng.randint(0, 70), 5, 17),
                "income_per_person": Decimal(rng.randint(300, 2500)),
                "disability_degree": rng.choice(["", "", "moderate"]),
            },
        )
        person.accessibility_needs.set(rng.sample(access_terms, rng.randint(0, 2)))
        case, _created = Case.objects.get_or_create(
            institution=office, municipality=office.municipality, person=person, kind=CaseKind.PERSON
        )
        cases.append(case)
    needs = list(Need.objects.filter(is_active=True).order_by("position", "id"))

    def run(case: Case) -> int:
        chosen = rng.sample(needs, NEEDS)
        found = candidates.suggestions_for_case(case, [NeedOfCase(need) for need in chosen])
        return sum(len(item.suggestions) for item in found)

    for case in cases:  # warm-up
        run(case)
    with CaptureQueriesContext(connection) as captured:
        suggested = run(cases[0])
    timings: list[float] = []
    counts: list[int] = []
    for _round in range(args.rounds):
        for case in cases:
            begun = time.perf_counter()
            counts.append(run(case))
            timings.append((time.perf_counter() - begun) * 1000)
    results: dict[str, Any] = {
        "size": Service.objects.count(),
        "gminas": Municipality.objects.count(),
        "build_seconds": round(build_seconds, 1),
        "requests": len(timings),
        "queries": len(captured.captured_queries),
        "suggested_median": statistics.median(counts),
        "suggested_first": suggested,
        "p50": round(percentile(timings, 0.50), 1),
        "p95": round(percentile(timings, 0.95), 1),
        "max": round(max(timings), 1),
    }
    if args.explain:
        results["explain"] = {
            query["sql"][:120]: None for query in captured.captured_queries
        }  # the statements, for reading; time them with psql
    print("RESULT " + json.dumps(results, ensure_ascii=False), flush=True)


def _postgres_has(base: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(postgres_database_url(base, "postgres"), autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def run_child(size: int, args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ)
    name = f"bench_matching_{size}"
    reuse = args.keep and _postgres_has(args.postgres_url, name)
    if not reuse:
        admin_execute(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}"')
        admin_execute(args.postgres_url, f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = postgres_database_url(args.postgres_url, name)
    command = [sys.executable, __file__, "--child", "--size", str(size), "--rounds", str(args.rounds)]
    command += (["--reuse"] if reuse else []) + (["--explain"] if args.explain else [])
    print(f"\n=== postgresql, {size} services{' (reusing the kept database)' if reuse else ''}", flush=True)
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)  # noqa: S603
    result: dict[str, Any] | None = None
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
        else:
            print(line, end="", flush=True)
    if process.wait() != 0 or result is None:
        raise SystemExit(f"The benchmark at {size} services failed.")
    if not args.keep:
        admin_execute(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}"')
    return result


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        "",
        f"{'services':>9} {'gminas':>6} {'requests':>8} {'queries':>7} {'suggested':>9} {'p50 ms':>8}"
        f" {'p95 ms':>8} {'max ms':>8}   build",
    ]
    lines.extend(
        f"{result['size']:>9} {result['gminas']:>6} {result['requests']:>8} {result['queries']:>7}"
        f" {result['suggested_median']:>9} {result['p50']:>8} {result['p95']:>8} {result['max']:>8}"
        f"   {result['build_seconds']} s"
        for result in results
    )
    small, large = results[0], results[-1]
    lines.append("")
    lines.append(
        f"ratio {large['size']}/{small['size']}: p95 {large['p95'] / small['p95']:.2f},"
        f" p50 {large['p50'] / small['p50']:.2f} (target: p95 ≤ 50 ms at 50 000, ratio ≤ 3)"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--large", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=12, help="timed passes over the people, after one warm-up")
    parser.add_argument("--keep", action="store_true", help="keep the databases and reuse kept ones")
    parser.add_argument("--explain", action="store_true", help="also print the statements of one request")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    results = [run_child(size, args) for size in (args.small, args.large)]
    print(report(results))
    for result in results:
        for statement in result.get("explain", {}):
            print(f"  [{result['size']}] {statement}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
