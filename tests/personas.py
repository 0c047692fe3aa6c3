"""The demo personas of DESIGN.md §4, as the tests name them."""

from __future__ import annotations

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

PERSONAS = [
    ADMIN, GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER, PCPR, SCHOOL, POLICE, GOPS_OKSA, ROPS_KIELCE, ROPS_RZESZOW,
]  # fmt: skip
