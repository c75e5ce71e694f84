"""Tables for what happens after the share (schema 0006): the recipient register, data
sharing agreements, receipt steps, school term dates and incoming child protection files.

Receipt steps are append-only (store/append_only.py): a confirmation recorded in error is
answered by a later step, never by changing the earlier one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from sharetui.store.types import UTCDateTime


def _dt(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


def _text() -> Any:
    return Field(default="", sa_column=Column(Text(), nullable=False))


class RecipientOrg(SQLModel, table=True):
    """An organisation information goes to. name_key is the folded name
    (domain.after_share.fold_name): one organisation per folded name."""

    __tablename__ = "recipient_org"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200, unique=True, index=True)
    kind: str = Field(default="other", max_length=20)
    secure_routes: str = Field(default="", max_length=200)  # secure email domain, portal
    to_review: bool = False  # brought in from free text or added in a decision: check it
    review_note: str = _text()
    active: bool = True
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _dt()


class RecipientContact(SQLModel, table=True):
    __tablename__ = "recipient_contact"
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="recipient_org.id", index=True)
    role: str = Field(default="", max_length=200)
    name: str = Field(default="", max_length=200)
    contact: str = Field(default="", max_length=200)
    active: bool = True
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = _dt()


class RecipientAlias(SQLModel, table=True):
    """A free-text spelling of an organisation on decisions recorded before the register
    (folded), and the organisation it was merged into: those decisions cannot be changed,
    so reports find their organisation through here."""

    __tablename__ = "recipient_alias"
    name_key: str = Field(max_length=200, primary_key=True)
    org_id: int = Field(foreign_key="recipient_org.id", index=True)


class Agreement(SQLModel, table=True):
    """A data sharing agreement (ICO data sharing code)."""

    __tablename__ = "agreement"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    parties: str = _text()  # as written in the agreement
    purposes: str = _text()  # one purpose per line
    lawful_basis: str | None = Field(default=None, max_length=30)
    data_categories: str = _text()
    starts_on: date
    review_on: date
    signed_copy: str = Field(default="", max_length=200)  # where the signed copy is kept
    active: bool = True
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = _dt()


class AgreementParty(SQLModel, table=True):
    """The register's organisations an agreement covers."""

    __tablename__ = "agreement_party"
    agreement_id: int = Field(foreign_key="agreement.id", primary_key=True)
    org_id: int = Field(foreign_key="recipient_org.id", primary_key=True, index=True)


class ReceiptEvent(SQLModel, table=True):
    """One step after a share was sent: confirmed, failed, sent again, chased."""

    __tablename__ = "receipt_event"
    __table_args__ = (Index("ix_receipt_decision", "decision_root_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    decision_root_id: int = Field(foreign_key="sharing_decision.id")
    step: str = Field(max_length=20)
    who: str = Field(default="", max_length=200)  # who confirmed, at the recipient
    at: datetime = _dt()  # when it happened
    method: str | None = Field(default=None, max_length=20)  # how
    note: str = _text()
    recorded_by_id: int = Field(foreign_key="app_user.id")
    recorded_at: datetime = _dt()


class SiteTerm(SQLModel, table=True):
    """A school term a site entered: the calendar's school days fall inside terms."""

    __tablename__ = "site_term"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    first_day: date
    last_day: date
    created_by_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = _dt()


class IncomingFile(SQLModel, table=True):
    """A child protection file received from another setting, and our confirmation back."""

    __tablename__ = "incoming_file"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    from_org_id: int | None = Field(default=None, foreign_key="recipient_org.id")
    from_name: str = Field(max_length=200)
    received_on: date
    confirmed_back_at: datetime | None = _dt(nullable=True)
    confirmed_back_method: str | None = Field(default=None, max_length=20)
    note: str = _text()
    recorded_by_id: int = Field(foreign_key="app_user.id")
    recorded_at: datetime = _dt()
