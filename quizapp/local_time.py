"""Quiz dates in people's time: users have no time zone of their own yet, so every page
shows (and the lesson editor reads) dates in the configured DEFAULT_TIMEZONE."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import current_app
from flask_babel import get_locale


def quiz_timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])


def local_moment(moment: datetime) -> str:
    """A date and time in the quiz time zone and the page's language, with the zone's
    name: "Friday, December 4, 2026, 23:59 (Europe/Madrid)"."""
    zone = quiz_timezone()
    local, locale = moment.astimezone(zone), get_locale()
    day = format_date(local.date(), "full", locale=locale)
    return f"{day}, {format_time(local, 'HH:mm', locale=locale)} ({zone.key})"
