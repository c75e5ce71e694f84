"""One object that holds every service, built from settings: what the UI and CLI receive."""

from __future__ import annotations

from sharetui.config import Settings
from sharetui.services.advice import Advice
from sharetui.services.agreements import Agreements
from sharetui.services.audit_trail import AuditTrail
from sharetui.services.calendar import Calendar
from sharetui.services.consent import Consent
from sharetui.services.decisions import Decisions
from sharetui.services.demo_marks import DemoMarks
from sharetui.services.drafts import Drafts
from sharetui.services.export import Export
from sharetui.services.governors import Governors
from sharetui.services.impact import Impact
from sharetui.services.importing import PeopleImport
from sharetui.services.people import People
from sharetui.services.receipts import Receipts
from sharetui.services.register import Register
from sharetui.services.reports import Reports
from sharetui.services.retention import Retention
from sharetui.services.sar import SubjectAccess
from sharetui.services.sar_review import SarReviews
from sharetui.services.site import checkpoint
from sharetui.services.transfers import Transfers
from sharetui.services.unit_of_work import Store
from sharetui.services.users import Users
from sharetui.store.encryption import AtRest, at_rest, check_key, settle
from sharetui.store.keys import check_opens, key_for
from sharetui.store.migrate import check_not_newer, upgrade
from sharetui.store.opening import require_existing, require_healthy, require_schema


class Services:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.users = Users(store)
        self.people = People(store)
        self.consent = Consent(store)
        self.decisions = Decisions(store)
        self.advice = Advice(store)
        self.drafts = Drafts(store)
        self.imports = PeopleImport(store)
        self.impact = Impact(store)
        self.calendar = Calendar(store)
        self.register = Register(store)
        self.agreements = Agreements(store)
        self.receipts = Receipts(store)
        self.transfers = Transfers(store)
        self.sar = SubjectAccess(store)
        self.sar_reviews = SarReviews(store)
        self.retention = Retention(store)
        self.reports = Reports(store)
        self.governors = Governors(store)
        self.export = Export(store)
        self.audit = AuditTrail(store)
        self.demo_marks = DemoMarks(store)

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        key: str | None = None,
        migrate: bool = True,
        create: bool = True,
    ) -> Services:
        """Connect, bring the schema up to date (refusing a newer one), return the services.
        An encrypted SQLite database is opened with the site key, and a new one (create=True)
        is made encrypted where the settings say so (store/encryption.py).

        create=False (every command, and the app on a named database) refuses a database
        that does not exist yet instead of making it (store/opening.py). Either way a damaged
        SQLite file or a newer schema is refused before anything is written."""
        url = settings.database_url
        if not create:
            require_existing(url)
        settled = settle(settings, may_create=create)
        settings = settled.settings
        if key is None:
            key = key_for(settings)
        store = Store.open(settings, key=key)
        try:
            if key is not None and not settled.keyed:
                check_opens(store.engine, keyed=True)
            else:
                check_key(store.engine, settled)
            require_healthy(store.engine, url)
            if not create:
                require_schema(store.engine, url)
            if migrate:
                upgrade(store.engine)  # refuses a newer schema first, as the check does
            else:
                check_not_newer(store.engine)
        except BaseException:
            store.dispose()
            raise
        return cls(store)

    def close(self) -> None:
        self.store.dispose()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc: object) -> None:
        """Closed however the block ends: a command opens the services for one piece of work
        (`with open_services(settings) as svc:`) and must not leave the engine open."""
        self.close()

    @property
    def settings(self) -> Settings:
        """The settings the services were opened with (after the key was settled)."""
        return self.store.settings

    def checkpoint(self) -> None:
        """Fold a SQLite database's write-ahead log into its file, so the file alone is whole
        (after seeding a demo); nothing on PostgreSQL."""
        checkpoint(self.store)

    def at_rest(self) -> AtRest:
        """Whether the database is encrypted on disk, and if not why: shown to administrators."""
        return at_rest(self.store.engine, self.store.settings)
