"""The auth suite uses the register suite's real SQLite and PostgreSQL databases."""

from tests.register.conftest import backend, make_register, pg_databases, register  # noqa: F401
