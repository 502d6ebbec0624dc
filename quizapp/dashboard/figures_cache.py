"""The dashboards' rendered figures kept in the shared cache (Flask-Caching:
Redis when REDIS_URL is set, so every worker and every node reuses one rendering; an
in-process dictionary otherwise). Figures come from the maintained course statistics, so
a miss is cheap; the cache saves the rendering, which is most of the page's cost.

Entries live DASHBOARD_CACHE_SECONDS (0: no cache). `invalidate_course` makes every
entry of a course stale at once, on every node, by moving the course's version. A cache
that cannot be reached is logged and the page rendered as if nothing were cached.

The learner dashboard's figures (`learner_figures`) are kept per learner under a digest of
every row they are computed from (progress.learner_state_digest, one statement), with the
span of time over which they hold: a copy is used only between the moment it was computed
and the next moment time alone changes it (LearnerProgress.steady_until), so a learner never
sees a stale copy, whatever wrote the rows, on whichever node."""

import uuid
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from markupsafe import Markup
from redis.exceptions import RedisError

from quizapp.extensions import cache


def _version_key(course_id: int) -> str:
    return f"dashboard-version:{course_id}"


def _unreachable(error: Exception) -> None:
    current_app.logger.warning("dashboard cache unreachable (%s): rendering uncached", error)


def course_figures(course_id: int, variant: tuple, timeout: float, render: Callable[[], str]):
    """The rendered figures of a course for `variant` (sort, order, page, language): from
    the cache when a fresh copy is there, else `render()` stored for `timeout` seconds."""
    if timeout <= 0:
        return Markup(render())  # noqa: S704 (a template's output, escaped by Jinja)
    try:
        version = cache.get(_version_key(course_id)) or "0"
        key = "dashboard:" + ":".join(str(part) for part in (course_id, version, *variant))
        html = cache.get(key)
    except RedisError as error:
        _unreachable(error)
        return Markup(render())  # noqa: S704
    if html is None:
        html = render()
        try:
            cache.set(key, html, timeout=int(timeout))
        except RedisError as error:
            _unreachable(error)
    return Markup(html)  # noqa: S704


def invalidate_course(course_id: int) -> None:
    """Code that changes a course's figures may call this after its commit so the next
    view shows them at once; otherwise entries expire after DASHBOARD_CACHE_SECONDS."""
    try:
        cache.set(_version_key(course_id), uuid.uuid4().hex, timeout=0)
    except RedisError as error:
        _unreachable(error)


def learner_figures(
    key_parts: Callable[[], tuple],
    now: datetime,
    timeout: float,
    compute: Callable[[], tuple[datetime, str]],
) -> Markup:
    """The learner dashboard's rendered figures for `key_parts()` (the learner, the
    digest of their rows, the language...): a kept copy computed at or before `now` and
    steady past it, else `compute()`, which gives (steady_until, html), kept for at most
    `timeout` seconds (0: never kept, and the key is not computed)."""
    if timeout <= 0:
        return Markup(compute()[1])  # noqa: S704 (a template's output, escaped by Jinja)
    key = "learner-dashboard:" + ":".join(str(part) for part in key_parts())
    try:
        kept = cache.get(key)
    except RedisError as error:
        _unreachable(error)
        return Markup(compute()[1])  # noqa: S704
    if kept is not None:
        computed_at, steady_until, html = kept
        if computed_at <= now < steady_until:
            return Markup(html)  # noqa: S704
    steady_until, html = compute()
    seconds = min(timeout, (steady_until - now).total_seconds())
    if seconds >= 1:
        try:
            cache.set(key, (now, steady_until, html), timeout=int(seconds))
        except RedisError as error:
            _unreachable(error)
    return Markup(html)  # noqa: S704
