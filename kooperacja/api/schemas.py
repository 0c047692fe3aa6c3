"""Schemas the whole API shares: the error shape and references to institutions."""

from __future__ import annotations

from uuid import UUID

from ninja import Schema

from kooperacja.core.roles import Role


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    """Every error answer: a human sentence in the client's language, and per-field messages."""

    detail: str
    errors: list[ErrorItem]


class InstitutionRef(Schema):
    id: UUID
    name: str


class MembershipOut(Schema):
    institution: InstitutionRef
    role: Role
