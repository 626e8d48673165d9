"""Alembic environment, configured programmatically by :mod:`lpr_geo.register.database`."""

from __future__ import annotations

from alembic import context

from lpr_geo.register.models import Base

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=engine.dialect.name == "sqlite",  # SQLite cannot ALTER constraints in place
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
