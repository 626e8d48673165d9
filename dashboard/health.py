"""``/healthz`` for load balancers and monitoring: database reachable and active boundary dataset."""

from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from lpr_geo.boundaries import dataset_info


def register(server: Flask, engine: Engine) -> None:
    """Add ``GET /healthz``: 200 with JSON when the register answers, 503 otherwise.

    The check draws a connection like any request does (a dropped one is replaced first, see
    :func:`lpr_geo.register.make_engine`), so 200 means the next page will work. Why the register did not
    answer goes to the server's log, not into the public answer.
    """

    @server.route("/healthz")
    def healthz():
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            database = True
        except SQLAlchemyError as error:
            server.logger.warning("health check: register unreachable: %s", " ".join(str(error).split()))
            database = False
        info = dataset_info()
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
