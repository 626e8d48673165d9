"""Security headers per route: only ``/embed`` may be framed, and only by the configured origins.

The Content-Security-Policy allows scripts from the app's own origin plus the hashes of the few inline
scripts (Dash's renderer start, the embed's render script), styles inline (React and plotly.js set
``style`` attributes and inject ``<style>``), images from ``data:``/``blob:`` (plotly.js icons and image
export). Nothing from any other host.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response, request

from .standalone import RENDER_SCRIPT_HASH

_POLICY = (
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)


def content_security_policy(script_hashes: Sequence[str], frame_ancestors: Sequence[str]) -> str:
    """The CSP header value.

    Parameters
    ----------
    script_hashes : sequence of str
        CSP source expressions (``'sha256-…'``) of inline scripts the pages need.
    frame_ancestors : sequence of str
        Who may frame the response (``'none'``, ``'self'`` or origins).
    """
    scripts = " ".join(["'self'", *script_hashes])
    return "; ".join([*_POLICY, f"script-src {scripts}", f"frame-ancestors {' '.join(frame_ancestors)}"])


def register(
    server: Flask, script_hashes: Sequence[str], frame_ancestors: Sequence[str], embed_paths: Sequence[str]
) -> None:
    """Set the headers on every response of ``server``.

    Parameters
    ----------
    server : Flask
        The app's server (routes as seen after the URL prefix is removed).
    script_hashes : sequence of str
        Hashes of the inline scripts (compute them after all callbacks are registered).
    frame_ancestors : sequence of str
        Origins allowed to frame the paths in ``embed_paths``.
    embed_paths : sequence of str
        Paths that may be framed.
    """
    hashes = [*script_hashes, RENDER_SCRIPT_HASH]
    embeddable = content_security_policy(hashes, frame_ancestors)
    elsewhere = content_security_policy(hashes, ["'none'"])

    @server.after_request
    def add_headers(response: Response) -> Response:
        if request.path in embed_paths:
            response.headers["Content-Security-Policy"] = embeddable
        else:
            response.headers["Content-Security-Policy"] = elsewhere
            response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response
