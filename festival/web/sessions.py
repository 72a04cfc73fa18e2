"""The signed-cookie session, left closed for calendar feeds.

Calendar apps poll every feed every few hours and never log in: a feed is reached by the
secret in its URL alone. Opening and saving the session (checking the cookie's signature)
was a tenth of a poll answered 304; a feed neither reads the session nor sets a cookie.
"""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

# /calendar/<secret>.ics (a troupe's feed) and /festivals/<slug>/calendar.ics (a festival's).
FEED_PREFIX = "/calendar/"
FEED_SUFFIX = "/calendar.ics"


class SessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request):
        path = request.path
        if path.startswith(FEED_PREFIX) or path.endswith(FEED_SUFFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
