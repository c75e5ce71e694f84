"""The Textual app. Reaches data only through sharetui.services, from worker threads."""
