"""The Textual app. Reaches data only through sharetui.services, from worker threads."""

from sharetui.ui.typed_text import keep_typed_joiners

keep_typed_joiners()
