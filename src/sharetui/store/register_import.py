"""Bringing free-text recipients into the register (schema 0006, and `sharetui db upgrade`).

Decisions recorded before the register name their recipient in free text, often the same
organisation under several spellings. Spellings that fold alike (case, accents, punctuation,
'&', a leading 'The': domain.after_share.fold_name) are obvious duplicates and become one
organisation, named by its commonest spelling. Names that may still be one body
(Northshire CSC / Northshire Children's Social Care) are not merged: each is marked for
review with the other named, and a supervisor merges them on the register screen. Every
imported organisation is marked for review (its kind is a guess from its name).

The decisions themselves are append-only and keep their text; recipient_alias maps each
folded spelling to its organisation, so reports group old and new decisions alike.
Core SQL only: it runs inside the migration, on the migration's connection.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from sharetui.domain.after_share import OrgKind, fold_name, name_words, possibly_same
from sharetui.store.types import UTCDateTime

_decision = sa.table(
    "sharing_decision",
    sa.column("recipient_org", sa.String),
    sa.column("recipient_role", sa.String),
    sa.column("recipient_name", sa.String),
    sa.column("recipient_contact", sa.String),
)
_org = sa.table(
    "recipient_org",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
    sa.column("kind", sa.String),
    sa.column("secure_routes", sa.String),
    sa.column("to_review", sa.Boolean),
    sa.column("review_note", sa.Text),
    sa.column("active", sa.Boolean),
    sa.column("created_by_id", sa.Integer),
    sa.column("created_at", UTCDateTime()),
)
_contact = sa.table(
    "recipient_contact",
    sa.column("org_id", sa.Integer),
    sa.column("role", sa.String),
    sa.column("name", sa.String),
    sa.column("contact", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("created_by_id", sa.Integer),
    sa.column("created_at", UTCDateTime()),
)
_alias = sa.table("recipient_alias", sa.column("name_key", sa.String), sa.column("org_id"))

_KIND_WORDS: tuple[tuple[OrgKind, tuple[str, ...]], ...] = (
    (OrgKind.EARLY_HELP, ("early help",)),
    (OrgKind.SCHOOL, ("school", "academy", "college", "nursery", "primary", "secondary")),
    (OrgKind.POLICE, ("police", "constabulary", "mash")),
    (OrgKind.HEALTH, ("nhs", "health", "hospital", "gp", "surgery", "nurse", "camhs", "midwif")),
    (OrgKind.HOUSING, ("housing", "homes", "tenancy")),
    (OrgKind.SOCIAL_CARE, ("social care", "social work", "childrens services", "csc")),
)


def guess_kind(name: str) -> OrgKind:
    folded = f" {fold_name(name)} "
    for kind, words in _KIND_WORDS:
        if any(f" {w}" in folded for w in words):
            return kind
    return OrgKind.OTHER


@dataclass
class ImportSummary:
    organisations: int = 0
    contacts: int = 0
    merged: dict[str, list[str]] = field(default_factory=dict)  # name -> spellings merged
    to_review: list[tuple[str, str]] = field(default_factory=list)  # possibly the same


def import_free_text(conn: sa.Connection, now: datetime | None = None) -> ImportSummary:
    """Make the register from the free-text recipients already recorded (once: folded names
    already in the register are left as they are)."""
    now = now or datetime.now(UTC)
    summary = ImportSummary()
    rows = conn.execute(
        sa.select(
            _decision.c.recipient_org,
            _decision.c.recipient_role,
            _decision.c.recipient_name,
            _decision.c.recipient_contact,
            sa.func.count(),
        )
        .where(_decision.c.recipient_org != "")
        .group_by(
            _decision.c.recipient_org,
            _decision.c.recipient_role,
            _decision.c.recipient_name,
            _decision.c.recipient_contact,
        )
    ).all()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    contacts: dict[str, dict[tuple[str, str, str], tuple[str, str, str]]] = defaultdict(dict)
    for org, role, name, contact, n in rows:
        key = fold_name(org)
        if not key:
            continue
        spellings[key][org.strip()] += n
        if any(x.strip() for x in (role, name, contact)):
            fields = (role.strip(), name.strip(), contact.strip())
            role_k, name_k, contact_k = (" ".join(f.lower().split()) for f in fields)
            contacts[key].setdefault((role_k, name_k, contact_k), fields)
    existing = dict(conn.execute(sa.select(_org.c.name_key, _org.c.id)).all())
    aliased = set(conn.execute(sa.select(_alias.c.name_key)).scalars())
    names: dict[str, str] = {}
    for key, counts in sorted(spellings.items()):
        if key in existing:  # already in the register: its old spellings point at it
            if key not in aliased:
                conn.execute(sa.insert(_alias).values(name_key=key[:200], org_id=existing[key]))
            continue
        name = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        names[key] = name
        if len(counts) > 1:
            summary.merged[name] = sorted(counts)
    # Possibly the same body: compared within groups sharing a significant word, not every
    # pair, so a site with thousands of organisations is not compared n-squared.
    by_word: dict[str, list[str]] = defaultdict(list)
    for key, name in names.items():
        for w in name_words(name):
            by_word[w].append(key)
    maybe: dict[str, set[str]] = defaultdict(set)
    for keys in by_word.values():
        if len(keys) > 50:
            continue  # a word as common as 'county': no evidence either way
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if b not in maybe[a] and possibly_same(names[a], names[b]):
                    maybe[a].add(b)
                    maybe[b].add(a)
                    first, second = sorted((names[a], names[b]))
                    summary.to_review.append((first, second))
    for key, name in names.items():
        notes = [
            f"Brought in from decisions recorded as free text ({sum(spellings[key].values())})."
        ]
        if name in summary.merged:
            notes.append("Spellings merged: " + "; ".join(summary.merged[name]) + ".")
        if maybe[key]:
            others = "; ".join(sorted(names[k] for k in maybe[key]))
            notes.append(f"Possibly the same organisation as: {others}. Merge them if so.")
        org_id = conn.execute(
            sa.insert(_org)
            .values(
                name=name[:200],
                name_key=key[:200],
                kind=guess_kind(name).value,
                secure_routes="",
                to_review=True,
                review_note=" ".join(notes),
                active=True,
                created_by_id=None,
                created_at=now,
            )
            .returning(_org.c.id)
        ).scalar_one()
        summary.organisations += 1
        conn.execute(sa.insert(_alias).values(name_key=key[:200], org_id=org_id))
        for role, person, contact in contacts[key].values():
            conn.execute(
                sa.insert(_contact).values(
                    org_id=org_id,
                    role=role[:200],
                    name=person[:200],
                    contact=contact[:200],
                    active=True,
                    created_by_id=None,
                    created_at=now,
                )
            )
            summary.contacts += 1
    summary.to_review.sort()
    return summary
