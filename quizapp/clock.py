"""The app's clock: real UTC time, or app.config["CLOCK"] (a datetime or a
callable returning one) so tests can fix and move time."""

from datetime import datetime

from flask import current_app

from quizapp.models.types import utcnow


def now() -> datetime:
    clock = current_app.config.get("CLOCK")
    if clock is None:
        return utcnow()
    from quizapp.domain.scheduling import as_utc  # (fsrs: not for a command's start-up)

    return as_utc(clock() if callable(clock) else clock)
