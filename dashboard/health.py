"""Database availability: ``/healthz`` for load balancers, and a German 503 while the register is down."""

from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from lpr_geo import Boundaries

OUTAGE_MESSAGE = "Die Datenbank antwortet gerade nicht. Bitte in einigen Sekunden erneut versuchen."


def register(server: Flask, engine: Engine, boundaries: Boundaries) -> None:
    """Add ``GET /healthz`` (200 with JSON when the register answers, 503 otherwise) and the outage answer.

    A request that fails because the database connection broke (PostgreSQL restarting, network gone)
    gets 503 with a German sentence instead of Flask's English 500; the next request after the database
    is back succeeds, as connections are checked before use.

    The check draws a connection like any request does (a dropped one is replaced first, see
    :func:`lpr_geo.register.make_engine`), so 200 means the next page will work. Why the register did not
    answer goes to the server's log, not into the public answer.
    """

    @server.errorhandler(OperationalError)
    def database_outage(error: OperationalError):
        # the driver's "operational" errors: connection refused or lost, server shutting down, SQLite
        # locked for too long; bugs (constraints, SQL) are other classes and stay a 500 with a traceback
        server.logger.warning("register unreachable: %s", " ".join(str(error).split()))
        return OUTAGE_MESSAGE, 503, {"Retry-After": "5", "Content-Type": "text/plain; charset=utf-8"}

    @server.route("/healthz")
    def healthz():
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            database = True
        except SQLAlchemyError as error:
            server.logger.warning("health check: register unreachable: %s", " ".join(str(error).split()))
            database = False
        info = boundaries.info()
        body = {
            "status": "ok" if database else "error",
            "database": database,
            "dataset": info["dataset"],
            "reference_date": info["reference_date"],
        }
        response = jsonify(body)
        response.status_code = 200 if database else 503
        response.headers["Cache-Control"] = "no-store"
        return response
