"""End-to-end tests: the real server process on the embedded PostgreSQL."""
