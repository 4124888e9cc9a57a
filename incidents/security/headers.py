"""Security headers on every response, and no caching of anything not public."""

from __future__ import annotations

from flask import Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def add_security_headers(response: Response, *, production: bool, confidential: bool) -> Response:
    """Set CSP, nosniff, referrer and framing rules; HSTS in production; ``no-store`` on
    responses that may carry confidential data."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if production:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if confidential:
        headers["Cache-Control"] = "no-store"
    return response
