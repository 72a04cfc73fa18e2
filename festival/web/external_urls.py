"""Absolute URLs: printed on certificates, drawn as QR codes, handed to calendar apps.

They are built from the configured base URL (``FESTIVAL_BASE_URL``, else Flask's
``SERVER_NAME`` with ``PREFERRED_URL_SCHEME``), never from the request's Host header, which
any client may forge: a forged Host would otherwise put an attacker's address into a
certificate's QR code or a troupe's secret feed link.

Without a base URL the request's host is used only where it cannot be forged to harm: in
debug and tests, on the loopback address (``make run``), or where Flask's ``TRUSTED_HOSTS``
already refuses other hosts with 400. Anywhere else the URL is refused (an error naming the
setting in the log) rather than built from whatever Host arrived.
"""

import ipaddress
from urllib.parse import urlsplit

from flask import current_app, request, url_for


class BaseUrlMissing(RuntimeError):
    """Production without ``FESTIVAL_BASE_URL``, asked for an absolute URL."""


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` under the site's base URL."""
    base = site_base_url()
    if base is None:
        _require_trusted_host()
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def webcal_url(url: str) -> str:
    """The same address for calendar apps: ``webcal://`` opens the subscribe dialog."""
    return "webcal://" + url.split("://", 1)[1]


def site_base_url() -> str | None:
    config = current_app.config
    if config.get("BASE_URL"):
        return config["BASE_URL"]
    if config.get("SERVER_NAME"):
        root = (config.get("APPLICATION_ROOT") or "/").rstrip("/")
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}{root}"
    return None


def _require_trusted_host() -> None:
    app = current_app
    if app.debug or app.testing or app.config.get("TRUSTED_HOSTS"):
        return  # TRUSTED_HOSTS: request.host below raises (400) for any other host
    hostname = urlsplit("//" + request.host).hostname or ""
    if hostname == "localhost" or _is_loopback(hostname):
        return
    raise BaseUrlMissing(
        "Set FESTIVAL_BASE_URL to the site's address (e.g. https://festival.example.org): "
        "absolute URLs are never built from the request's Host header in production."
    )


def _is_loopback(hostname: str) -> bool:
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False
