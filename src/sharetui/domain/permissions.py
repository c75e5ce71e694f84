"""The role matrix: which role may do what. One table, read by every service."""

from __future__ import annotations

from enum import StrEnum

from sharetui.domain.enums import Role


class Permission(StrEnum):
    WORK_WITH_PEOPLE = "work_with_people"  # find/view people, consent, decisions, raise advice
    ADVISE = "advise"  # see and act on the advice queue for own advice roles
    OVERSEE = "oversee"  # who viewed a record, reports, subject access export
    ADMINISTER = "administer"  # manage users, verify audit


MATRIX: dict[Permission, frozenset[Role]] = {
    Permission.WORK_WITH_PEOPLE: frozenset({Role.PRACTITIONER, Role.SUPERVISOR}),
    Permission.ADVISE: frozenset({Role.SUPERVISOR}),
    Permission.OVERSEE: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Permission.ADMINISTER: frozenset({Role.ADMIN}),
}

DENIED: dict[Permission, str] = {
    Permission.WORK_WITH_PEOPLE: (
        "Only practitioners and supervisors can work with people's records"
    ),
    Permission.ADVISE: "Only supervisors can act on the advice queue",
    Permission.OVERSEE: "Only supervisors and administrators can see this",
    Permission.ADMINISTER: "Only administrators can do this",
}


def allowed(role: Role, permission: Permission) -> bool:
    return role in MATRIX[permission]
