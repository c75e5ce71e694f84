"""The use cases: the only door to the data. Every call takes the acting user, checks the role,
validates, writes the audit event and commits before returning plain frozen data."""
