"""Each voivodeship's evaluation dashboard against hand-written SQL of the same aggregates (issue #10).

    .venv/bin/python bench/evaluation_dashboard.py                  # build, measure, drop the database
    .venv/bin/python bench/evaluation_dashboard.py --keep           # keep kooperacja_bench_eval, reuse it next time
    .venv/bin/python bench/evaluation_dashboard.py --keep --explain # and EXPLAIN ANALYZE each hand-written statement

PostgreSQL only. The database `kooperacja_bench_eval` on --postgres-url is created, migrated and
filled by `generate_scale_data` at about a tenth of the national scale (2 477 gminas, 100 000
cases of 250 000 persons, 500 000 assessments, 200 000 referrals with the cooperation plans
that come with them, 50 000 services); with --keep a kept database is migrated and topped up
(the figures are totals, so nothing is added when it already holds them).

Then one child process times, for each of the 16 voivodeships after one warm-up, `--passes`
passes of

* `dashboard` — `dashboard.build(scope, period)` as the page builds it (headlines of the period
  and of the previous one, and the tables), section by section (`only=`) for the sections that
  have SQL here; the whole dashboard is their sum, as `build` runs them one after the other;
* `sql` — the statements of `SECTION_SQL` for those sections, run through a raw cursor (the
  headline statements once per period, the table statements once), rows fetched;

each section's two ways one right after the other, and takes the median of each. It prints both, the ratio
dashboard / SQL per voivodeship and over all voivodeships (sum of medians), the same per
section, and the sections it skipped because no SQL is written for them. Target (issue #10):
ratio ≤ 2.

`SECTION_SQL` holds, per section key, the statements a person would write by hand for the same
figures; a section added to the dashboard gets timed once its entry is added here.
"""

# The statements are put together from this file's own constants; values go as parameters.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import datetime as dt
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
DATABASE = "kooperacja_bench_eval"
FIGURES = {
    "gminas": 2477,
    "services": 50_000,
    "persons": 250_000,
    "cases": 100_000,
    "assessments": 500_000,
    "referrals": 200_000,
}

# --- The hand-written SQL ------------------------------------------------------------------------
#
# Parameters: %(voivodeship)s (the voivodeship's id); %(start)s, %(end)s the period's first and
# last day (dates, inclusive); %(start_at)s, %(end_at)s its bounds as aware datetimes [start, end);
# %(today)s today's date; %(zone)s the time zone's name.
# "headlines" run for the period and again for the previous period; "tables" for the period.
# Each section's unit table lists every powiat of the voivodeship, so it reads them ("units").

UNITS = "SELECT id, code, name FROM territory_county WHERE voivodeship_id = %(voivodeship)s ORDER BY name"
IN_VOIVODESHIP = """
    JOIN territory_municipality m ON m.id = t.municipality_id
    JOIN territory_county k ON k.id = m.county_id
    WHERE k.voivodeship_id = %(voivodeship)s"""

CASE_COUNTS = """
    count(*) FILTER (WHERE t.opened_on BETWEEN %(start)s AND %(end)s) AS opened,
    count(*) FILTER (WHERE t.opened_on <= %(end)s AND (t.closed_on IS NULL OR t.closed_on > %(end)s)) AS active,
    count(*) FILTER (WHERE t.closed_on BETWEEN %(start)s AND %(end)s) AS closed"""

# A referral touches the period when it was sent, answered or closed in it.
REFERRALS_TOUCHING = f"""
    FROM plans_referral t {IN_VOIVODESHIP}
    AND ((t.sent_at >= %(start_at)s AND t.sent_at < %(end_at)s)
      OR (t.answered_at >= %(start_at)s AND t.answered_at < %(end_at)s)
      OR (t.closed_at >= %(start_at)s AND t.closed_at < %(end_at)s))"""
ANSWERED = "t.answered_at >= %(start_at)s AND t.answered_at < %(end_at)s"
CLOSED = "t.closed_at >= %(start_at)s AND t.closed_at < %(end_at)s AND t.sent_at IS NOT NULL"
REFERRALS_TOUCHING_RECEIVER = REFERRALS_TOUCHING.replace(
    "FROM plans_referral t", "FROM plans_referral t JOIN institutions_institution i ON i.id = t.to_institution_id"
)
SENT = "t.sent_at >= %(start_at)s AND t.sent_at < %(end_at)s"
# The table's counts and, since the privacy fixes, the distinct cases (families) behind each.
REFERRAL_TABLE_COUNTS = f"""
    count(*) FILTER (WHERE {SENT}) AS sent,
    count(*) FILTER (WHERE {ANSWERED} AND t.status <> 'declined') AS accepted,
    count(*) FILTER (WHERE {ANSWERED} AND t.status = 'declined') AS declined,
    count(*) FILTER (WHERE {CLOSED} AND t.status = 'completed') AS completed,
    count(*) FILTER (WHERE {CLOSED}) AS closed,
    count(DISTINCT t.case_id) FILTER (WHERE {SENT}) AS sent_cases,
    count(DISTINCT t.case_id) FILTER (WHERE {ANSWERED} AND t.status <> 'declined') AS accepted_cases,
    count(DISTINCT t.case_id) FILTER (WHERE {ANSWERED} AND t.status = 'declined') AS declined_cases,
    count(DISTINCT t.case_id) FILTER (WHERE {CLOSED} AND t.status = 'completed') AS completed_cases,
    count(DISTINCT t.case_id) FILTER (WHERE {CLOSED} AND t.status <> 'completed') AS closed_otherwise_cases"""
DECLINED = f"""
    FROM plans_referral t {IN_VOIVODESHIP}
    AND {ANSWERED} AND t.status = 'declined'"""

# Teams: a team, its meetings and tasks belong to the team's gmina.


def held(t: str) -> str:
    """Meetings `t` held in the period."""
    return f"{t}.status = 'held' AND {t}.starts_at >= %(start_at)s AND {t}.starts_at < %(end_at)s"


def tasks_due(t: str) -> str:
    """Tasks `t` of decisions due in the period, not cancelled."""
    return f"{t}.decision_id IS NOT NULL AND {t}.due_on BETWEEN %(start)s AND %(end)s AND {t}.status <> 'cancelled'"


def on_time(t: str) -> str:
    return f"{t}.status = 'done' AND {t}.done_on IS NOT NULL AND {t}.done_on <= {t}.due_on"


INVITED = "(a.invited_at IS NOT NULL OR a.attended IS NOT NULL)"
TEAM_IN_VOIVODESHIP = """
    JOIN teams_team tm ON tm.id = t.team_id
    JOIN territory_municipality m ON m.id = tm.municipality_id
    JOIN territory_county k ON k.id = m.county_id
    WHERE k.voivodeship_id = %(voivodeship)s"""
SURVEY_ITEMS = ("communication", "goals", "expectations", "information", "benefit", "workload")
# Projects of the territory whose dates overlap the period, cancelled ones left out.
RUNNING_PROJECTS = f"""
    SELECT t.id FROM community_socialproject t {IN_VOIVODESHIP}
    AND t.starts_on <= %(end)s AND t.ends_on >= %(start)s AND t.status <> 'cancelled'"""

# Learning: a learner belongs to the territory of the institution of their enrolment, or, when
# it names none (or for an e-learning course), of their memberships.
MEMBER_IN = """EXISTS (SELECT 1 FROM institutions_membership mb
    JOIN institutions_institution mi ON mi.id = mb.institution_id
    WHERE mb.user_id = {user} AND mi.voivodeship_id = %(voivodeship)s)"""
ATTENDED = f"""
    FROM learning_sessionattendance a
    JOIN learning_enrolment e ON e.id = a.enrolment_id
    JOIN learning_trainingsession s ON s.id = a.session_id
    JOIN learning_training tr ON tr.id = s.training_id
    LEFT JOIN institutions_institution i ON i.id = e.institution_id
    WHERE a.present AND s.starts_at >= %(start_at)s AND s.starts_at < %(end_at)s AND NOT tr.is_cancelled
    AND (i.voivodeship_id = %(voivodeship)s OR (e.institution_id IS NULL AND {MEMBER_IN.format(user="e.user_id")}))"""
CERTIFICATES = f"""
    FROM learning_certificate c
    LEFT JOIN learning_training tr ON tr.id = c.training_id
    LEFT JOIN learning_course co ON co.id = c.course_id
    WHERE c.issued_on BETWEEN %(start)s AND %(end)s AND c.revoked_at IS NULL
    AND (EXISTS (SELECT 1 FROM learning_enrolment e JOIN institutions_institution i ON i.id = e.institution_id
                 WHERE e.training_id = c.training_id AND e.user_id = c.user_id AND i.voivodeship_id = %(voivodeship)s)
         OR (NOT EXISTS (SELECT 1 FROM learning_enrolment e WHERE e.training_id = c.training_id
                         AND e.user_id = c.user_id AND e.institution_id IS NOT NULL)
             AND {MEMBER_IN.format(user="c.user_id")}))"""
CERTIFICATE_COUNTS = (
    "count(*) FILTER (WHERE c.training_id IS NOT NULL), count(*) FILTER (WHERE c.course_id IS NOT NULL), "
    "count(DISTINCT c.user_id) FILTER (WHERE c.training_id IS NOT NULL), "
    "count(DISTINCT c.user_id) FILTER (WHERE c.course_id IS NOT NULL)"
)

# Plans: an IPW under way, finished in the period; a goal's outcome dated by its last change,
# no later than its plan's end.
PLAN_RUNNING = "t.agreed_on IS NOT NULL AND t.agreed_on <= %(end)s AND (t.ended_on IS NULL OR t.ended_on >= %(start)s)"
PLAN_FINISHED = "t.agreed_on IS NOT NULL AND t.ended_on BETWEEN %(start)s AND %(end)s"
PLAN_COUNTS = f"""
    count(DISTINCT t.case_id) FILTER (WHERE {PLAN_RUNNING}) AS running,
    count(*) FILTER (WHERE {PLAN_FINISHED} AND t.status = 'completed') AS completed,
    count(*) FILTER (WHERE {PLAN_FINISHED} AND t.status = 'ended') AS ended,
    count(DISTINCT t.case_id) FILTER (WHERE {PLAN_FINISHED} AND t.status = 'completed') AS completed_cases,
    count(DISTINCT t.case_id) FILTER (WHERE {PLAN_FINISHED} AND t.status = 'ended') AS ended_cases"""
GOAL_DAY = "(t.updated_at AT TIME ZONE %(zone)s)::date"
GOAL_STATUSES = ("achieved", "partly", "not_achieved")
# Per outcome: the goals, the families (cases) behind them and the families with goals of
# another outcome (the rest of the share); and all families with an outcome.
GOAL_OUTCOMES = f"""
    SELECT count(DISTINCT p.case_id),
      {
    ", ".join(
        f"count(*) FILTER (WHERE t.status = '{status}'), "
        f"count(DISTINCT p.case_id) FILTER (WHERE t.status = '{status}'), "
        f"count(DISTINCT p.case_id) FILTER (WHERE t.status <> '{status}')"
        for status in GOAL_STATUSES
    )
}
    FROM plans_goal t JOIN plans_cooperationplan p ON p.id = t.plan_id {IN_VOIVODESHIP}
    AND t.status IN ('achieved', 'partly', 'not_achieved')
    AND least({GOAL_DAY}, coalesce(p.ended_on, {GOAL_DAY})) BETWEEN %(start)s AND %(end)s"""

# Assessments: the first and the latest diagnosis of each subject (a person of a case, or its
# household as a whole) assessed at least twice, whose latest falls in the period; their
# domain scores compared in the domains scored in both.
ASSESSMENT_CHANGES = """
    WITH pairs AS (
      SELECT first_id, latest_id FROM (
        SELECT a.id, first_value(a.id) OVER w AS first_id, last_value(a.id) OVER w AS latest_id,
               last_value(a.assessed_on) OVER w AS latest_on
        FROM assessment_assessment a
        JOIN territory_municipality m ON m.id = a.municipality_id
        JOIN territory_county k ON k.id = m.county_id
        WHERE k.voivodeship_id = %(voivodeship)s AND a.assessed_on <= %(end)s
        AND a.case_id IN (
          SELECT x.case_id FROM assessment_assessment x
          JOIN territory_municipality xm ON xm.id = x.municipality_id
          JOIN territory_county xk ON xk.id = xm.county_id
          WHERE xk.voivodeship_id = %(voivodeship)s AND x.assessed_on BETWEEN %(start)s AND %(end)s)
        WINDOW w AS (PARTITION BY a.case_id, a.person_id ORDER BY a.assessed_on, a.id
                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
      ) series
      WHERE id = latest_id AND latest_on >= %(start)s AND first_id <> latest_id
    ),
    changes AS (
      SELECT pairs.latest_id AS subject, ld.code AS domain_code, ld.name AS domain_name,
             latest.level - earliest.level AS delta
      FROM pairs
      JOIN assessment_domainscore latest ON latest.assessment_id = pairs.latest_id
      JOIN assessment_domain ld ON ld.id = latest.domain_id
      JOIN assessment_domainscore earliest ON earliest.assessment_id = pairs.first_id
      JOIN assessment_domain ed ON ed.id = earliest.domain_id AND ed.code = ld.code
    )"""

# Services (the resource map): a service is listed when it is active or temporarily closed and
# its institution active; it counts in each gmina its service areas reach. Main categories are
# the top-level terms in use of the categories' taxonomy, each with every term in use below it.
LISTED = """directory_service s JOIN institutions_institution si ON si.id = s.institution_id
    WHERE si.is_active AND s.status IN ('active', 'temporarily closed')"""
SERVED_IN_VOIVODESHIP = """EXISTS (SELECT 1 FROM directory_servedmunicipality sm
    JOIN territory_municipality m ON m.id = sm.municipality_id
    JOIN territory_county k ON k.id = m.county_id
    WHERE sm.service_id = s.id AND k.voivodeship_id = %(voivodeship)s)"""
MAIN_CATEGORIES = """RECURSIVE tree AS (
      SELECT t.id, t.id AS root FROM directory_taxonomyterm t JOIN directory_taxonomy x ON x.id = t.taxonomy_id
      WHERE x.code = 'kooperacja-categories' AND t.is_active AND t.parent_id IS NULL
      UNION ALL
      SELECT c.id, tree.root FROM directory_taxonomyterm c JOIN tree ON c.parent_id = tree.id WHERE c.is_active)"""
GMINAS = """SELECT m.id, m.county_id FROM territory_municipality m JOIN territory_county k ON k.id = m.county_id
    WHERE k.voivodeship_id = %(voivodeship)s"""
# The gap matrix (gmina × main category: the listed services its residents can use), reduced to
# what the section publishes: per main category the gminas without a service, per powiat the gaps.
GAP_MATRIX = f"""
    WITH {MAIN_CATEGORIES},
    gminas AS ({GMINAS}),
    cells AS (
      SELECT sm.municipality_id, tree.root, count(DISTINCT a.service_id) AS services
      FROM directory_servedmunicipality sm
      JOIN gminas g ON g.id = sm.municipality_id
      JOIN directory_serviceattribute a ON a.service_id = sm.service_id
      JOIN tree ON tree.id = a.taxonomy_term_id
      WHERE sm.service_id IN (SELECT s.id FROM {LISTED})
      GROUP BY 1, 2),
    grid AS (
      SELECT g.id, g.county_id, r.root, coalesce(c.services, 0) AS services
      FROM gminas g CROSS JOIN (SELECT DISTINCT root FROM tree) r
      LEFT JOIN cells c ON c.municipality_id = g.id AND c.root = r.root)"""


def network_edges(periods: int) -> str:
    """The cooperation network's pairs: (institution a, institution b, kind, count in each of
    `periods` periods) for referrals sent, shared cases, co-attended meetings and shared G-PZK
    teams of the voivodeship — one UNION ALL, as `evaluation.network` sends it. Parameters
    `p<i>_start_at`/`p<i>_end_at` (aware bounds), `p<i>_start`/`p<i>_after` (dates: the first day
    and the day after the last), `first_at`/`last_at` the bounds of them all."""
    indexes = range(periods)

    def active(t: str, since: str, until: str, i: int, dates: bool = False) -> str:
        start, end = (f"%(p{i}_start)s", f"%(p{i}_after)s") if dates else (f"%(p{i}_start_at)s", f"%(p{i}_end_at)s")
        return f"{t}.{since} < {end} AND ({t}.{until} IS NULL OR {t}.{until} > {start})"

    referrals = ", ".join(
        f"count(*) FILTER (WHERE t.sent_at >= %(p{i}_start_at)s AND t.sent_at < %(p{i}_end_at)s)" for i in indexes
    )
    cases = ", ".join(
        f"count(DISTINCT t.case_id) FILTER (WHERE {active('t', 'started_at', 'ended_at', i)}"
        f" AND {active('o', 'started_at', 'ended_at', i)})"
        for i in indexes
    )
    meetings = ", ".join(
        f"count(DISTINCT t.meeting_id) FILTER (WHERE mt.starts_at >= %(p{i}_start_at)s"
        f" AND mt.starts_at < %(p{i}_end_at)s)"
        for i in indexes
    )
    teams = ", ".join(
        f"count(DISTINCT t.team_id) FILTER (WHERE {active('t', 'joined_on', 'left_on', i, True)}"
        f" AND {active('o', 'joined_on', 'left_on', i, True)})"
        for i in indexes
    )
    kinds = "('case_team', 'basket_item', 'case_conference')"
    return f"""
        SELECT t.from_institution_id, t.to_institution_id, 'referral', {referrals}
        FROM plans_referral t {IN_VOIVODESHIP}
        AND t.sent_at >= %(first_at)s AND t.sent_at < %(last_at)s
        GROUP BY 1, 2
        UNION ALL
        SELECT t.institution_id, o.institution_id, 'shared_case', {cases}
        FROM cases_participation t
        JOIN cases_participation o
          ON o.case_id = t.case_id AND o.kind IN {kinds} AND o.institution_id > t.institution_id
        {IN_VOIVODESHIP.strip()}
        AND t.kind IN {kinds} AND t.started_at < %(last_at)s AND (t.ended_at IS NULL OR t.ended_at > %(first_at)s)
        GROUP BY 1, 2
        UNION ALL
        SELECT t.institution_id, o.institution_id, 'meeting', {meetings}
        FROM teams_attendance t JOIN teams_meeting mt ON mt.id = t.meeting_id
        JOIN teams_attendance o ON o.meeting_id = t.meeting_id AND o.attended AND o.institution_id > t.institution_id
        JOIN territory_municipality m ON m.id = mt.municipality_id
        JOIN territory_county k ON k.id = m.county_id
        WHERE k.voivodeship_id = %(voivodeship)s AND t.attended AND mt.status <> 'cancelled'
        AND mt.starts_at >= %(first_at)s AND mt.starts_at < %(last_at)s
        GROUP BY 1, 2
        UNION ALL
        SELECT t.institution_id, o.institution_id, 'team', {teams}
        FROM teams_teammember t
        JOIN teams_teammember o ON o.team_id = t.team_id AND o.institution_id > t.institution_id
        {TEAM_IN_VOIVODESHIP.strip()}
        GROUP BY 1, 2"""


# The network's institutions: the active ones of the voivodeship and every one at an end of an
# edge (%(endpoints)s: the ids the edge statement returned, as the section passes them).
NETWORK_NODES = """
    SELECT id, name, short_name, sector, (voivodeship_id = %(voivodeship)s AND is_active)
    FROM institutions_institution
    WHERE (voivodeship_id = %(voivodeship)s AND is_active) OR id = ANY(%(endpoints)s)"""

SECTION_SQL: dict[str, dict[str, list[str]]] = {
    "cases": {
        "headlines": [f"SELECT {CASE_COUNTS} FROM cases_case t {IN_VOIVODESHIP}"],
        "tables": [
            f"SELECT m.county_id, {CASE_COUNTS} FROM cases_case t {IN_VOIVODESHIP} GROUP BY m.county_id",
            UNITS,
        ],
    },
    "plans": {
        "headlines": [f"SELECT {PLAN_COUNTS} FROM plans_cooperationplan t {IN_VOIVODESHIP}", GOAL_OUTCOMES],
        "tables": [
            f"SELECT m.county_id, {PLAN_COUNTS} FROM plans_cooperationplan t {IN_VOIVODESHIP} GROUP BY m.county_id",
            UNITS,
            # The goals' table reuses the period's outcomes (`dashboard.remember`).
        ],
    },
    "assessments": {
        # One statement per period gives the subjects' row and the domains' rows; the section's
        # headlines and table share it (`dashboard.remember`).
        "headlines": [
            f"""{ASSESSMENT_CHANGES}
                SELECT NULL, NULL, count(*), count(*) FILTER (WHERE total > 0), 0
                FROM (SELECT subject, sum(delta) AS total FROM changes GROUP BY subject) per_subject
                UNION ALL
                SELECT domain_code, min(domain_name), count(*), count(*) FILTER (WHERE delta > 0), sum(delta)
                FROM changes GROUP BY domain_code"""
        ],
        "tables": [
            """SELECT d.code, d.name FROM assessment_domain d JOIN assessment_instrument i ON i.id = d.instrument_id
               WHERE i.is_current ORDER BY d.position, d.id""",
        ],
    },
    "referrals": {
        "headlines": [
            f"""SELECT
                count(*) FILTER (WHERE {SENT}) AS sent,
                count(*) FILTER (WHERE {ANSWERED} AND t.status <> 'declined') AS accepted,
                count(*) FILTER (WHERE {ANSWERED} AND t.status = 'declined') AS declined,
                count(*) FILTER (WHERE {ANSWERED}) AS answered,
                count(*) FILTER (WHERE {CLOSED}) AS closed,
                count(*) FILTER (WHERE {CLOSED} AND t.status = 'completed') AS completed,
                count(*) FILTER (WHERE {CLOSED} AND t.status = 'completed' AND t.outcome = 'got_help') AS got_help,
                count(DISTINCT t.case_id) FILTER (WHERE {SENT}) AS sent_cases,
                count(DISTINCT t.case_id) FILTER (WHERE {ANSWERED} AND t.status <> 'declined') AS accepted_cases,
                count(DISTINCT t.case_id) FILTER (WHERE {ANSWERED} AND t.status = 'declined') AS declined_cases,
                count(DISTINCT t.case_id) FILTER (WHERE {ANSWERED}) AS answered_cases,
                count(DISTINCT t.case_id) FILTER (WHERE {CLOSED} AND t.status = 'completed') AS completed_cases,
                count(DISTINCT t.case_id)
                    FILTER (WHERE {CLOSED} AND t.status = 'completed' AND t.outcome = 'got_help') AS got_help_cases,
                count(DISTINCT t.case_id) FILTER (WHERE {CLOSED} AND t.status <> 'completed') AS closed_otherwise_cases,
                count(DISTINCT t.case_id) FILTER (WHERE {CLOSED} AND t.status = 'completed'
                    AND t.outcome IS DISTINCT FROM 'got_help') AS completed_otherwise_cases,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY t.answered_at - t.sent_at)
                    FILTER (WHERE {ANSWERED}) AS answer_days,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY t.closed_at - t.sent_at)
                    FILTER (WHERE {CLOSED} AND t.status = 'completed') AS outcome_days
            {REFERRALS_TOUCHING}"""
        ],
        "tables": [
            # Declined referrals by reason: a reason given in the same words by at least five
            # families is named (the ten most frequent), the rest counted together.
            f"""WITH named AS (
                  SELECT btrim(t.decline_reason) AS text {DECLINED} AND btrim(t.decline_reason) <> ''
                  GROUP BY 1 HAVING count(DISTINCT t.case_id) >= 5 ORDER BY count(*) DESC, 1 LIMIT 10)
                SELECT CASE WHEN btrim(t.decline_reason) IN (SELECT text FROM named)
                            THEN btrim(t.decline_reason) ELSE '' END AS given,
                       count(*), count(DISTINCT t.case_id)
                {DECLINED} GROUP BY 1""",
            # Per sector of the receiving institution, and over all sectors (the families of
            # the total cannot be added up from the sectors').
            f"""SELECT i.sector, {REFERRAL_TABLE_COUNTS} {REFERRALS_TOUCHING_RECEIVER} GROUP BY i.sector
                UNION ALL
                SELECT NULL, {REFERRAL_TABLE_COUNTS} {REFERRALS_TOUCHING}""",
            f"SELECT m.county_id, {REFERRAL_TABLE_COUNTS} {REFERRALS_TOUCHING} GROUP BY m.county_id",
            UNITS,
        ],
    },
    "services": {
        # The listing is today's: the headlines' counts run for both periods (only "added"
        # differs); the gap matrix is built once per dashboard build, as the section does.
        "headlines": [
            f"""SELECT count(*), count(DISTINCT s.institution_id),
                  count(*) FILTER (WHERE s.created_at >= %(start_at)s AND s.created_at < %(end_at)s)
                FROM {LISTED} AND {SERVED_IN_VOIVODESHIP}"""
        ],
        "tables": [
            # Per main category: the gminas without a service (headlines: categories no gmina
            # has, the number of gaps); per powiat: its gaps.
            f"""{GAP_MATRIX}
                SELECT 'category', root, count(*) FILTER (WHERE services = 0) FROM grid GROUP BY root
                UNION ALL
                SELECT 'powiat', county_id, count(*) FILTER (WHERE services = 0) FROM grid GROUP BY county_id""",
            # Services per main category in the territory, each service once per category.
            f"""WITH {MAIN_CATEGORIES}
                SELECT tree.root, count(DISTINCT a.service_id)
                FROM directory_serviceattribute a JOIN tree ON tree.id = a.taxonomy_term_id
                WHERE a.service_id IN (SELECT s.id FROM {LISTED} AND {SERVED_IN_VOIVODESHIP})
                GROUP BY tree.root""",
            # Services per powiat (a service reaching two gminas of a powiat once).
            f"""SELECT m.county_id, count(DISTINCT sm.service_id)
                FROM directory_servedmunicipality sm
                JOIN territory_municipality m ON m.id = sm.municipality_id
                JOIN territory_county k ON k.id = m.county_id
                WHERE k.voivodeship_id = %(voivodeship)s AND sm.service_id IN (SELECT s.id FROM {LISTED})
                GROUP BY m.county_id""",
            UNITS,
        ],
    },
    "teams": {
        "headlines": [
            f"""SELECT count(DISTINCT t.id), count(a.id) FILTER (WHERE {INVITED}), count(a.id) FILTER (WHERE a.attended)
                FROM teams_meeting t LEFT JOIN teams_attendance a ON a.meeting_id = t.id {IN_VOIVODESHIP}
                AND {held("t")}""",
            f"""SELECT count(*), count(*) FILTER (WHERE {on_time("t")})
                FROM teams_task t {TEAM_IN_VOIVODESHIP} AND {tasks_due("t")}""",
            """SELECT count(*), count(*) FILTER (WHERE t.status = 'fulfilled')
                FROM teams_obligation t JOIN teams_agreement ag ON ag.id = t.agreement_id
                JOIN teams_team tm ON tm.id = ag.team_id
                JOIN territory_municipality m ON m.id = tm.municipality_id
                JOIN territory_county k ON k.id = m.county_id
                WHERE k.voivodeship_id = %(voivodeship)s AND t.due_on BETWEEN %(start)s AND %(end)s""",
        ],
        "tables": [
            f"""SELECT * FROM (
                  SELECT tm.name, m.name AS gmina, tm.id, tm.is_active,
                    (SELECT count(*) FROM teams_meeting mt WHERE mt.team_id = tm.id AND {held("mt")}) AS held,
                    (SELECT count(*) FILTER (WHERE {INVITED}) FROM teams_attendance a
                       JOIN teams_meeting mt ON mt.id = a.meeting_id
                       WHERE mt.team_id = tm.id AND {held("mt")}) AS invited,
                    (SELECT count(*) FILTER (WHERE a.attended) FROM teams_attendance a
                       JOIN teams_meeting mt ON mt.id = a.meeting_id
                       WHERE mt.team_id = tm.id AND {held("mt")}) AS came,
                    (SELECT count(*) FROM teams_task x WHERE x.team_id = tm.id AND {tasks_due("x")}) AS due,
                    (SELECT count(*) FROM teams_task x WHERE x.team_id = tm.id AND {tasks_due("x")} AND {on_time("x")})
                      AS on_time,
                    (SELECT count(*) FROM teams_obligation o JOIN teams_agreement ag ON ag.id = o.agreement_id
                       WHERE ag.team_id = tm.id AND o.due_on BETWEEN %(start)s AND %(end)s) AS obligations_due,
                    (SELECT count(*) FROM teams_obligation o JOIN teams_agreement ag ON ag.id = o.agreement_id
                       WHERE ag.team_id = tm.id AND o.due_on BETWEEN %(start)s AND %(end)s
                       AND o.status = 'fulfilled') AS fulfilled
                  FROM teams_team tm
                  JOIN territory_municipality m ON m.id = tm.municipality_id
                  JOIN territory_county k ON k.id = m.county_id
                  WHERE k.voivodeship_id = %(voivodeship)s
                ) teams WHERE is_active OR held > 0 ORDER BY gmina, name, id""",
        ],
    },
    "learning": {
        "headlines": [
            f"SELECT count(DISTINCT e.user_id), sum(s.ends_at - s.starts_at) {ATTENDED}",
            f"SELECT {CERTIFICATE_COUNTS} {CERTIFICATES}",
        ],
        "tables": [
            f"SELECT tr.topic, count(DISTINCT e.user_id), sum(s.ends_at - s.starts_at) {ATTENDED} GROUP BY tr.topic",
            f"SELECT coalesce(tr.topic, co.topic), {CERTIFICATE_COUNTS} {CERTIFICATES} GROUP BY 1",
        ],
    },
    "projects": {
        "headlines": [
            f"SELECT sum(planned) FROM community_budgetline WHERE project_id IN ({RUNNING_PROJECTS})",
            f"""SELECT sum(amount) FILTER (WHERE spent_on BETWEEN %(start)s AND %(end)s),
                       sum(amount) FILTER (WHERE spent_on <= %(end)s)
                FROM community_expense WHERE project_id IN ({RUNNING_PROJECTS})""",
        ],
        "tables": [
            f"""SELECT t.title, m.name,
                  coalesce((SELECT sum(planned) FROM community_budgetline WHERE project_id = t.id), 0),
                  coalesce((SELECT sum(amount) FROM community_expense WHERE project_id = t.id
                            AND spent_on BETWEEN %(start)s AND %(end)s), 0),
                  coalesce((SELECT sum(amount) FROM community_expense WHERE project_id = t.id
                            AND spent_on <= %(end)s), 0)
                FROM community_socialproject t {IN_VOIVODESHIP}
                AND t.starts_on <= %(end)s AND t.ends_on >= %(start)s AND t.status <> 'cancelled'
                ORDER BY m.name, t.title, t.id""",
        ],
    },
    "survey": {
        # Rounds closed in the period (and by today), with their answers; the score totals only
        # over rounds with at least five answers. The table reuses the period's figures
        # (`dashboard.remember`), so it has no statement of its own.
        "headlines": [
            f"""SELECT count(*), sum(answers), sum(answers) FILTER (WHERE answers >= 5),
                  {", ".join(f"sum(total_{item}) FILTER (WHERE answers >= 5)" for item in SURVEY_ITEMS)}
                FROM (
                  SELECT t.id, count(r.id) AS answers,
                    {", ".join(f"sum(r.{item}) AS total_{item}" for item in SURVEY_ITEMS)}
                  FROM teams_survey t LEFT JOIN teams_surveyresponse r ON r.survey_id = t.id
                  {TEAM_IN_VOIVODESHIP}
                  AND t.closes_on BETWEEN %(start)s AND %(end)s AND t.closes_on < %(today)s
                  GROUP BY t.id
                ) rounds"""
        ],
    },
}


# --- The child: time one voivodeship ---------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    import kooperacja.testing  # noqa: F401 — sets the environment before Django reads it

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kooperacja.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone, translation

    from kooperacja.evaluation import dashboard, periods
    from kooperacja.evaluation.scope import voivodeship_scope
    from kooperacja.evaluation.sections.common import datetime_range
    from kooperacja.evaluation.sections.network import year_periods
    from kooperacja.territory.models import Voivodeship

    if args.build:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        options = [f"--{name}={value}" for name, value in FIGURES.items()]
        call_command("generate_scale_data", "--seed", "1", *options)
        print(f"RESULT {json.dumps({'build_seconds': round(time.perf_counter() - started, 1)})}", flush=True)
        return

    translation.activate("pl")
    period = periods.parse(args.period) if args.period else periods.default(timezone.localdate())
    # The network section builds the networks of the period, the previous period and every year
    # at once (its trend table): the hand-written edge statement counts the same periods.
    network_periods = list(dict.fromkeys([period, period.previous(), *year_periods(timezone.localdate())]))
    network_bounds: dict[str, Any] = {}
    for index, which in enumerate(network_periods):
        start_at, end_at = datetime_range(which)
        network_bounds |= {
            f"p{index}_start_at": start_at,
            f"p{index}_end_at": end_at,
            f"p{index}_start": which.start,
            f"p{index}_after": which.end + dt.timedelta(days=1),
        }
    network_bounds["first_at"] = min(value for key, value in network_bounds.items() if key.endswith("_start_at"))
    network_bounds["last_at"] = max(value for key, value in network_bounds.items() if key.endswith("_end_at"))
    # Built once per dashboard build and shared by the headlines of both periods and the tables.
    SECTION_SQL["network"] = {"headlines": [], "tables": [network_edges(len(network_periods)), NETWORK_NODES]}
    registered = [builder.key for builder in dashboard.builders()]
    timed = [key for key in registered if key in SECTION_SQL]

    def parameters(voivodeship_id: int, which: periods.Period) -> dict[str, Any]:
        start_at, end_at = datetime_range(which)
        return {
            "voivodeship": voivodeship_id,
            "start": which.start,
            "end": which.end,
            "start_at": start_at,
            "end_at": end_at,
            "today": timezone.localdate(),
            "zone": timezone.get_current_timezone_name(),
            **network_bounds,
        }

    def run_sql(keys: list[str], voivodeship_id: int) -> None:
        now, before = parameters(voivodeship_id, period), parameters(voivodeship_id, period.previous())
        with connection.cursor() as cursor:
            for key in keys:
                for statement in SECTION_SQL[key]["headlines"]:
                    for values in (now, before):
                        cursor.execute(statement, values)
                        cursor.fetchall()
                values = now
                for statement in SECTION_SQL[key].get("tables", []):
                    cursor.execute(statement, values)
                    rows = cursor.fetchall()
                    if key == "network" and "endpoints" not in values:
                        # The institutions statement takes the edges' ends, as the section does.
                        values = now | {"endpoints": sorted({pk for row in rows for pk in row[:2]})}

    def run_dashboard(keys: list[str], scope: Any) -> None:
        wanted = set(keys)
        dashboard.build(scope, period, only=lambda builder: builder.key in wanted)

    def clock(action: Any, *arguments: Any) -> float:
        begun = time.perf_counter()
        action(*arguments)
        return (time.perf_counter() - begun) * 1000

    results: dict[str, Any] = {
        "period": period.slug,
        "timed": timed,
        "skipped": [key for key in registered if key not in SECTION_SQL],
        "unregistered_sql": [key for key in SECTION_SQL if key not in registered],
        "counts": {},
        "voivodeships": [],
        "sections": {},
    }
    with connection.cursor() as cursor:
        for table in ("cases_case", "assessment_assessment", "plans_referral", "plans_cooperationplan"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            results["counts"][table] = cursor.fetchone()[0]
    per_section: dict[str, dict[str, list[float]]] = {key: {"dashboard": [], "sql": []} for key in timed}
    for voivodeship in Voivodeship.objects.order_by("code"):
        scope = voivodeship_scope(voivodeship)
        run_dashboard(timed, scope)  # warm-up
        run_sql(timed, voivodeship.pk)
        whole: dict[str, list[float]] = {"dashboard": [], "sql": []}
        sections: dict[str, dict[str, list[float]]] = {key: {"dashboard": [], "sql": []} for key in timed}
        for _pass in range(args.passes):
            # Section by section, each way right after the other (same cache); the whole
            # dashboard is the sum of its sections (`build` runs them one after the other).
            spent = {"dashboard": 0.0, "sql": 0.0}
            for key in timed:
                took = {"dashboard": clock(run_dashboard, [key], scope), "sql": clock(run_sql, [key], voivodeship.pk)}
                for way, ms in took.items():
                    sections[key][way].append(ms)
                    spent[way] += ms
            for way, ms in spent.items():
                whole[way].append(ms)
        for key in timed:
            for way in ("dashboard", "sql"):
                per_section[key][way].append(statistics.median(sections[key][way]))
        results["voivodeships"].append(
            {
                "name": voivodeship.name,
                "dashboard": round(statistics.median(whole["dashboard"]), 1),
                "sql": round(statistics.median(whole["sql"]), 1),
                "sections": {
                    key: [round(statistics.median(sections[key][way]), 1) for way in ("dashboard", "sql")]
                    for key in timed
                },
            }
        )
        print(f"  {voivodeship.name}: done", flush=True)
    results["sections"] = {
        key: {way: round(sum(values), 1) for way, values in ways.items()} for key, ways in per_section.items()
    }
    if args.explain:
        first = Voivodeship.objects.order_by("code").first()
        assert first is not None
        explained = []
        with connection.cursor() as cursor:
            for key in timed:
                for part in ("headlines", "tables"):
                    for statement in SECTION_SQL[key].get(part, []):
                        cursor.execute(f"EXPLAIN ANALYZE {statement}", parameters(first.pk, period) | {"endpoints": []})
                        plan = "\n".join(row[0] for row in cursor.fetchall())
                        explained.append(f"--- {key} {part}: {statement.strip()[:90]}…\n{plan}")
        results["explain"] = explained
    print("RESULT " + json.dumps(results, ensure_ascii=False), flush=True)


# --- The parent: the database, the child, the report ------------------------------------------


def database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_execute(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(database_url(base, "postgres"), autocommit=True) as connection:
        connection.execute(sql)


def database_exists(base: str) -> bool:
    import psycopg

    with psycopg.connect(database_url(base, "postgres"), autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone() is not None


def run_child(args: argparse.Namespace, extra: list[str]) -> dict[str, Any]:
    env = dict(os.environ) | {"DATABASE_URL": database_url(args.postgres_url, DATABASE)}
    command = [sys.executable, __file__, "--child", *extra]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)  # noqa: S603
    result: dict[str, Any] | None = None
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
        else:
            print(line, end="", flush=True)
    if process.wait() != 0 or result is None:
        raise SystemExit("The dashboard benchmark failed.")
    return result


def report(results: dict[str, Any]) -> str:
    counts = ", ".join(f"{table} {count:,}".replace(",", " ") for table, count in results["counts"].items())
    lines = [
        "",
        f"period {results['period']}; {counts}",
        f"timed sections: {', '.join(results['timed'])}",
        f"skipped (no SQL written yet): {', '.join(results['skipped']) or 'none'}",
    ]
    if results["unregistered_sql"]:
        lines.append(f"SQL for sections not on the dashboard: {', '.join(results['unregistered_sql'])}")
    lines += ["", f"{'voivodeship':<22} {'dashboard ms':>12} {'SQL ms':>8} {'ratio':>6}"]
    for row in results["voivodeships"]:
        lines.append(f"{row['name']:<22} {row['dashboard']:>12} {row['sql']:>8} {row['dashboard'] / row['sql']:>6.2f}")
    board = sum(row["dashboard"] for row in results["voivodeships"])
    sql = sum(row["sql"] for row in results["voivodeships"])
    worst = max(row["dashboard"] / row["sql"] for row in results["voivodeships"])
    lines.append(f"{'all 16 (sum)':<22} {board:>12.1f} {sql:>8.1f} {board / sql:>6.2f}   (worst ratio {worst:.2f})")
    lines += ["", "per section, sum over the voivodeships of the median ms:"]
    for key, ways in results["sections"].items():
        ratio = ways["dashboard"] / ways["sql"]
        lines.append(f"  {key:<12} dashboard {ways['dashboard']:>8} SQL {ways['sql']:>8} ratio {ratio:.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=5, help="timed passes per voivodeship, after one warm-up")
    parser.add_argument("--period", default="", help="a period slug (2026, 2026-Q3…); default the running year")
    parser.add_argument("--keep", action="store_true", help=f"keep {DATABASE} and reuse a kept one")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each hand-written statement")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if not (args.keep and database_exists(args.postgres_url)):
        admin_execute(args.postgres_url, f'DROP DATABASE IF EXISTS "{DATABASE}"')
        admin_execute(args.postgres_url, f'CREATE DATABASE "{DATABASE}"')
    built = run_child(args, ["--build"])
    print(f"database ready in {built['build_seconds']} s", flush=True)
    extra = ["--passes", str(args.passes)] + (["--period", args.period] if args.period else [])
    results = run_child(args, extra + (["--explain"] if args.explain else []))
    if not args.keep:
        admin_execute(args.postgres_url, f'DROP DATABASE IF EXISTS "{DATABASE}"')
    print(report(results))
    for plan in results.get("explain", []):
        print(f"\n{plan}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
