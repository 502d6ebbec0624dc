"""Flask extensions, created unbound here and bound to the app in the factory."""

import time

import sqlalchemy as sa
from flask import current_app, has_request_context, request, session
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter
from limits.util import WindowStats
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic can alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()
# Shared between workers and nodes through Redis when REDIS_URL is set (config.py).
cache = Cache()


# The fixed window's hit in one Redis round trip, with what the response's headers need:
# limits' own increment (the expiry set by the hit that opens the window), then its TTL.
_INCR_EXPIRE_TTL = """
local amount = tonumber(ARGV[2])
local current = redis.call("incrby", KEYS[1], amount)
if tonumber(current) == amount then
    redis.call("expire", KEYS[1], ARGV[1])
end
return {current, redis.call("ttl", KEYS[1])}
"""


class HitWindows(FixedWindowRateLimiter):
    """limits' fixed window, whose hit keeps the window it leaves for the request's
    X-RateLimit headers: Flask-Limiter would read them back with two more storage calls
    (GET and TTL, one round trip each to Redis). On Redis the hit and its TTL are one
    script; on another storage the hit reads its expiry. A window not hit in this request
    is read as limits reads it."""

    _KEPT = "quizapp.rate_windows"  # in the request's WSGI environ: one request's windows

    def hit(self, item, *identifiers: str, cost: int = 1) -> bool:
        key = item.key_for(*identifiers)
        storage = self.storage
        if isinstance(storage, RedisStorage):
            if not hasattr(storage, "lua_incr_expire_ttl"):
                connection = storage.get_connection()
                storage.lua_incr_expire_ttl = connection.register_script(_INCR_EXPIRE_TTL)
            count, ttl = storage.lua_incr_expire_ttl(
                [storage.prefixed_key(key)], [item.get_expiry(), cost]
            )
            count, reset = int(count), max(int(ttl), 0) + time.time()
        else:
            count = storage.incr(key, item.get_expiry(), amount=cost)
            reset = storage.get_expiry(key)
        if has_request_context():
            kept = request.environ.setdefault(self._KEPT, {})
            kept[key] = WindowStats(reset, max(0, item.amount - count))
        return count <= item.amount

    def get_window_stats(self, item, *identifiers: str) -> WindowStats:
        if has_request_context():
            kept = request.environ.get(self._KEPT, {}).get(item.key_for(*identifiers))
            if kept is not None:
                return kept
        return super().get_window_stats(item, *identifiers)


class RouteLimiter(Limiter):
    """Flask-Limiter, whose before-request check runs only where a limit can apply there.

    That check resolves the limits of every request's endpoint (~3 % of a page that has
    none). QuizApp has no application-wide, default or meta limits: its limits sit on
    views (login, registration), which their decorators check, and on the API blueprint,
    so a request to any other blueprint has nothing to check before its view. Where a
    limit applies the check is Flask-Limiter's own: same storage, fallback and headers,
    the headers from the window the hit left (HitWindows) instead of reading it back."""

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        if in_middleware and not self._limits_apply_before_the_view():
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)

    def _limits_apply_before_the_view(self) -> bool:
        manager = self.limit_manager
        if self._meta_limits or manager.application_limits or manager.default_limits:
            return True
        blueprint = request.blueprint
        if not blueprint:
            return False
        # Whether a blueprint (or an ancestor) carries limits is fixed once the app is
        # built; asked once per blueprint and app.
        limited = current_app.extensions.setdefault("rate_limited_blueprints", {})
        if blueprint not in limited:
            limited[blueprint] = bool(manager.blueprint_limits(current_app, blueprint))
        return limited[blueprint]

    def init_app(self, app) -> None:
        super().init_app(app)
        # The fixed window (QuizApp's strategy) whose hit keeps its window for the headers.
        if type(self._limiter) is FixedWindowRateLimiter:
            self._limiter = HitWindows(self._storage)


# Redis down must not take the site with it: each worker then counts in its own memory
# (Flask-Limiter logs "Rate limit storage unreachable - falling back to in-memory storage"
# and pings Redis again with a growing back-off), and any other storage error is logged
# and lets the request through rather than answering 500.
limiter = RouteLimiter(
    key_func=get_remote_address,
    default_limits=[],
    in_memory_fallback_enabled=True,
    swallow_errors=True,
)


def select_locale() -> str:
    """The ?lang= switcher stores a choice in the session; otherwise Accept-Language decides."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


babel = Babel()
