"""Language: Simplified Chinese by default, English by a remembered switch or Accept-Language."""

from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask_babel import get_locale

from festival.extensions import babel

LANGUAGE_COOKIE = "lang"
# The short codes users see in URLs and the cookie, and the Babel locales behind them.
LOCALES = {"zh": "zh_Hans_CN", "en": "en"}

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    if not has_request_context():  # commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LOCALES:
        return LOCALES[chosen]
    # Browsers send zh-CN, which Babel's best_match would not match to zh_Hans_CN.
    for tag, _quality in request.accept_languages:
        tag = tag.lower()
        if tag.startswith("zh"):
            return LOCALES["zh"]
        if tag.startswith("en"):
            return LOCALES["en"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """'zh' or 'en', for the switch and the html lang attribute."""
    return "en" if str(get_locale()).startswith("en") else "zh"


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths are followed after a redirect."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.get("/language/<code>")
def switch_language(code: str):
    if code not in LOCALES:
        abort(404)
    response = redirect(safe_next(request.args.get("next"), url_for("public.index")))
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


class MissingCatalog(RuntimeError):
    """The default language has no compiled catalog: every page would show English msgids."""


def require_compiled_catalog(translations: Path, locale: str) -> None:
    """Refuse to start rather than serve English under lang="zh-CN"."""
    if locale == "en":  # the msgids are English
        return
    if not (translations / locale / "LC_MESSAGES" / "messages.mo").is_file():
        raise MissingCatalog(
            f"No compiled translation catalog for the default language {locale!r} in "
            f"{translations}: install the package with pip (it compiles the catalogs), "
            f"or run `pybabel compile -d {translations}` (`make translations`)."
        )


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(app.root_path.rstrip("/") + "/translations")
    )
    require_compiled_catalog(
        Path(app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0]),
        app.config["BABEL_DEFAULT_LOCALE"],
    )
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
