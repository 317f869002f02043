"""Driven adapters behind the core's ports: memory fakes, PostgreSQL, and the system adapters."""
