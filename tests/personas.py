"""The demo personas of DESIGN.md §4, as the tests name them."""

from __future__ import annotations

from kooperacja.institutions.demo import PERSONAS as DEMO_PERSONAS

ANONYMOUS = "anonymous"

ADMIN = "admin"
GOPS_MIRZEC = "gops.mirzec"
COLLEAGUE = "kolega.mirzec"
ASSISTANT = "asystent.mirzec"
LEADER = "lider.mirzec"
PCPR = "pcpr.starachowice"
SCHOOL = "szkola.mirzec"
POLICE = "policja.mirzec"
GOPS_OKSA = "gops.oksa"
ROPS_KIELCE = "rops.kielce"
ROPS_RZESZOW = "rops.rzeszow"

# Every persona the demo creates, in its order (anonymous is not one of them).
PERSONAS = [username for username, _ in DEMO_PERSONAS]
