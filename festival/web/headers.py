"""Security headers on every response; ``Cache-Control: no-store`` on every private one;
HSTS over HTTPS."""

from flask import Flask, current_app, g, request, session

from festival.web.auth import answered_for_user

CONTENT_SECURITY_POLICY = (
    # media-src blob: the sound desk plays the tracks it fetched ahead from object URLs.
    "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self'; "
    "script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HSTS_DEFAULT = "max-age=31536000; includeSubDomains"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_private(response) -> bool:
    """Whether the answer is for one person only, so that no cache, shared or the browser's,
    may keep it: an answer built for a logged-in user (by session or token), an API answer to
    credentials, any answer to a write, one that sets a cookie or the session, and one that
    carries a CSRF token (the session's own). Calendar feeds (reached by their URL, without a
    session), static files and public pages read without logging in keep their caching."""
    if answered_for_user():  # only when this answer looked at a logged-in user
        return True
    if request.method not in SAFE_METHODS or "Authorization" in request.headers:
        return True
    if (
        "Set-Cookie" in response.headers
        or current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g
    ):
        return True
    # Reading flask.session marks it accessed, so Flask adds Vary: Cookie to an answer with a
    # session cookie: harmless. A feed's session is a null one, which nothing saves.
    return session.modified or (
        bool(session) and current_app.session_interface.should_set_cookie(current_app, session)
    )


def hsts_value(setting) -> str | None:
    if setting is True:
        return HSTS_DEFAULT
    return setting or None


def init_app(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if is_private(response) and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        # request.is_secure: the scheme the WSGI server reports, which follows X-Forwarded-Proto
        # only from a proxy it trusts: ours with TRUSTED_PROXIES (ProxyFix), gunicorn's own
        # from --forwarded-allow-ips (loopback by default: an nginx on the same host).
        hsts = hsts_value(current_app.config.get("HSTS"))
        if hsts and request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", hsts)
        return response
