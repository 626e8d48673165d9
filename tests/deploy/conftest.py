"""The deployment suite uses the register suite's real PostgreSQL databases."""

from tests.register.conftest import pg_databases  # noqa: F401
