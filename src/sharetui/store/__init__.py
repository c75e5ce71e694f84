"""Persistence: SQLModel tables, the engine factory and the migrations runner."""
