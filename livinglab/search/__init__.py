"""Full-text search over challenges and ideas: SQLite FTS5 or PostgreSQL text search, one API."""
