"""Plain-Python domain layer: ORM models, database access, validation, queries. Never imports Qt."""
