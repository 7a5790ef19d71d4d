"""Persistence: the SQLAlchemy engine, the tables, migrations and encryption at rest."""
