"""The referral inbox page at 1 000 and at 100 000 referrals, on PostgreSQL (issue #7).

    .venv/bin/python bench/referral_inbox.py                 # 1 000, then 100 000 referrals
    .venv/bin/python bench/referral_inbox.py --explain       # and EXPLAIN ANALYZE the inbox queries
    .venv/bin/python bench/referral_inbox.py --keep          # keep the database bench_inbox afterwards

One database (`bench_inbox` on --postgres-url, created fresh and dropped at the end unless
--keep), one child process: it migrates, fills the database with `generate_scale_data` up to
the small figures, measures, fills it on up to the large figures (the command's figures are
totals: the same rows plus more) and measures again. The gminas stay the same (default 40), so
the inbox measured grows with the referrals: it is the inbox of the institution that receives
most referrals at the small size (a PCPR, as a rule), read by its generated staff member.

Each size times `GET /referrals/inbox/?tab=…` (`plans:inbox`) through Django's test client for
each tab (waiting, active, closed) and the closed tab's third page, after one warm-up, and
counts the queries of each request. It prints p50/p95 per size, the ratio large/small and
whether the query counts are the same. Target (issue #7): p95 ratio ≤ 2, same query count.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "bench_inbox"
# Referrals per case and persons per case as a centre's caseload has them.
CASES_PER_REFERRAL = 0.8
PERSONS_PER_CASE = 2.5
REQUESTS = [("waiting", "1"), ("active", "1"), ("closed", "1"), ("closed", "3")]


# --- The child: one database, both sizes ------------------------------------------------------


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
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from kooperacja.core.models import User
    from kooperacja.plans.models import Referral, ReferralStatus
    from kooperacja.plans.referral_policies import inbox
    from kooperacja.plans.scale import STAFF_PREFIX
    from kooperacja.plans.views.referrals import PAGE_SIZE, TABS

    call_command("migrate", verbosity=0)
    url = reverse("plans:inbox")
    client = Client()
    user: Any = None
    results: dict[str, Any] = {
        "vendor": connection.vendor,
        "gminas": args.gminas,
        "sizes": [],
    }
    for size in (args.small, args.large):
        cases = round(size * CASES_PER_REFERRAL)
        started = time.perf_counter()
        call_command(
            "generate_scale_data", "--seed", "1", "--gminas", str(args.gminas), "--services", str(args.services),
            "--persons", str(round(cases * PERSONS_PER_CASE)), "--cases", str(cases), "--referrals", str(size),
        )  # fmt: skip
        build_seconds = time.perf_counter() - started
        if user is None:
            busiest = (
                Referral.objects.exclude(status=ReferralStatus.DRAFT)
                .values("to_institution_id")
                .annotate(received=Count("id"))
                .order_by("-received", "to_institution_id")[0]["to_institution_id"]
            )
            user = User.objects.get(username=f"{STAFF_PREFIX}{busiest}")
            client.force_login(user)
        received = inbox(user)
        in_tabs = {tab: received.filter(status__in=statuses).count() for tab, (_label, statuses) in TABS.items()}
        for tab, page in REQUESTS:  # warm-up
            client.get(url, {"tab": tab, "page": page})
        timings: dict[str, list[float]] = {}
        sql_timings: dict[str, list[float]] = {}
        # The time of each statement of the page (by its position), to tell which one grows.
        statements: dict[int, list[float]] = {}
        statement_text: dict[int, str] = {}
        queries: dict[str, int] = {}
        for _round in range(args.rounds):
            for tab, page in REQUESTS:
                name = f"{tab} p{page}"
                with CaptureQueriesContext(connection) as captured:
                    begun = time.perf_counter()
                    response = client.get(url, {"tab": tab, "page": page})
                    took = (time.perf_counter() - begun) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"GET {url}?tab={tab}&page={page} answered {response.status_code}")
                timings.setdefault(name, []).append(took)
                queries[name] = max(queries.get(name, 0), len(captured.captured_queries))
                spent = [float(query["time"]) * 1000 for query in captured.captured_queries]
                sql_timings.setdefault(name, []).append(sum(spent))
                if name == "closed p1":
                    for position, query in enumerate(captured.captured_queries):
                        statements.setdefault(position, []).append(spent[position])
                        statement_text[position] = query["sql"][:110]
        every = [took for values in timings.values() for took in values]
        figures: dict[str, Any] = {
            "referrals": Referral.objects.count(),
            "inbox": in_tabs,
            "build_seconds": round(build_seconds, 1),
            "requests": len(every),
            "p50": round(percentile(every, 0.50), 1),
            "p95": round(percentile(every, 0.95), 1),
            "max": round(max(every), 1),
            "per_request": {
                name: {
                    "median": round(statistics.median(values), 1),
                    "sql": round(statistics.median(sql_timings[name]), 1),
                    "queries": queries[name],
                }
                for name, values in timings.items()
            },
            "closed_p1_statements": [
                (round(statistics.median(statements[position]), 1), statement_text[position])
                for position in sorted(statements)
            ],
        }
        if args.explain and connection.vendor == "postgresql":
            explained = {}
            for tab, (_label, statuses) in TABS.items():
                listed = inbox(user).filter(status__in=statuses)
                explained[tab] = {
                    "page": listed[:PAGE_SIZE].explain(analyze=True),
                    "count": listed.order_by().values("pk").explain(analyze=True),
                }
            figures["explain"] = explained
        results["sizes"].append(figures)
    results["user"] = user.username
    print("RESULT " + json.dumps(results, ensure_ascii=False), flush=True)


# --- The parent: the database, the child, the report ------------------------------------------


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_execute(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(database_url(base, "postgres"), autocommit=True) as connection:
        connection.execute(sql)


def report(results: dict[str, Any]) -> str:
    small, large = results["sizes"]
    lines = [
        "",
        f"inbox of {results['user']} ({results['vendor']}, {results['gminas']} gminas)",
        f"{'referrals':>9} {'in inbox (waiting/active/closed)':>33} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7}"
        f" {'max ms':>7}   build",
    ]
    for size in results["sizes"]:
        tabs = "/".join(str(count) for count in size["inbox"].values())
        lines.append(
            f"{size['referrals']:>9} {tabs:>33} {size['requests']:>8} {size['p50']:>7} {size['p95']:>7}"
            f" {size['max']:>7}   {size['build_seconds']} s"
        )
    lines.append("")
    for name, figures in small["per_request"].items():
        other = large["per_request"][name]
        lines.append(
            f"  {name:<10} median {figures['median']:>6} -> {other['median']:>6} ms"
            f" (SQL {figures['sql']} -> {other['sql']} ms), queries {figures['queries']} -> {other['queries']}"
        )
    lines.append("  statements of 'closed p1', median ms (small -> large):")
    for (before, text), (after, _text) in zip(
        small["closed_p1_statements"], large["closed_p1_statements"], strict=False
    ):
        lines.append(f"    {before:>6} -> {after:>6}  {text}")
    same = all(
        small["per_request"][name]["queries"] == large["per_request"][name]["queries"] for name in small["per_request"]
    )
    lines.append(
        f"ratio {large['referrals']}/{small['referrals']}: p95 {large['p95'] / small['p95']:.2f},"
        f" p50 {large['p50'] / small['p50']:.2f}; query counts {'the same' if same else 'DIFFER'}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1000, help="referrals at the small size")
    parser.add_argument("--large", type=int, default=100_000, help="referrals at the large size")
    parser.add_argument("--gminas", type=int, default=40, help="gminas at both sizes")
    parser.add_argument("--services", type=int, default=500, help="directory services at both sizes")
    parser.add_argument("--rounds", type=int, default=30, help="timed passes over the 4 requests, after one warm-up")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the inbox queries of each tab")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE} afterwards")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    admin_execute(args.postgres_url, f'DROP DATABASE IF EXISTS "{DATABASE}"')
    admin_execute(args.postgres_url, f'CREATE DATABASE "{DATABASE}"')
    env = dict(os.environ) | {"DATABASE_URL": database_url(args.postgres_url, DATABASE)}
    command = [sys.executable, __file__, "--child", *sys.argv[1:]]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)  # noqa: S603
    results: dict[str, Any] | None = None
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("RESULT "):
            results = json.loads(line[len("RESULT ") :])
        else:
            print(line, end="", flush=True)
    code = process.wait()
    if not args.keep:
        admin_execute(args.postgres_url, f'DROP DATABASE IF EXISTS "{DATABASE}"')
    if code != 0 or results is None:
        raise SystemExit("The inbox benchmark failed.")
    print(report(results))
    for size in results["sizes"]:
        for tab, plans in size.get("explain", {}).items():
            for what, plan in plans.items():
                print(f"\n--- EXPLAIN ANALYZE ({size['referrals']} referrals): {tab} tab, {what}\n{plan}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
