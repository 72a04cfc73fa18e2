"""The accounts' periodic job: the workers forget old login attempts once a day."""

from datetime import timedelta

from sqlalchemy.orm import Session

from festival.accounts.services import KEEP_LOGIN_ATTEMPTS, forget_old_login_attempts
from festival.core.clock import utcnow
from festival.jobs.queue import handler


@handler("forget_login_attempts", every=timedelta(days=1))
def forget_login_attempts_job(session: Session, _payload: dict, _progress) -> None:
    forget_old_login_attempts(session, now=utcnow(), keep=KEEP_LOGIN_ATTEMPTS)
