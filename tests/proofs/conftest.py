"""The UI fixtures, for the proofs that drive the app (revocation)."""

from tests.ui.conftest import make_app, ui_db, ui_services

__all__ = ["make_app", "ui_db", "ui_services"]
