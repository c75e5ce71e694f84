"""Pure domain: enums, value types and the golden-rule checks. Imports no UI or database code."""
