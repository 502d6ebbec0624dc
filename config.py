"""Configuration classes for QuizApp, read from the environment (twelve-factor style)."""

import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _default_sqlite_url(name: str) -> str:
    return f"sqlite:///{INSTANCE_DIR / name}"


def database_url(value: str | None) -> str | None:
    """Plain postgresql:// URLs mean psycopg 3 here (SQLAlchemy would pick psycopg2)."""
    if value and value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def development_secret_key(instance_dir: Path) -> str:
    """A random key kept in instance/ so development sessions survive restarts without a
    key ever being committed."""
    import secrets

    key_file = instance_dir / ".secret_key"
    if not key_file.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL")) or _default_sqlite_url(
        "quizapp.db"
    )
    # PostgreSQL connections are checked before use by quizapp.database (cheaper than
    # SQLAlchemy's pool_pre_ping); a SQLite file never drops its connection.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # SQLite waits this long (seconds) for a writer lock instead of failing at once.
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "15"))
    QUESTIONS_DIR = os.environ.get("QUESTIONS_DIR", str(BASE_DIR / "questions"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", str(2 * 1024 * 1024)))
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("es", "en")
    BOOTSTRAP_SERVE_LOCAL = True
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Deployments (or test runs) sharing one Redis keep their counters and cache apart.
    RATELIMIT_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "")
    # An unreachable Redis must fail fast (then the in-memory fallback counts), not hang
    # every request; the in-memory storage ignores these options.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    # Per address; generous enough for a class registering behind one NAT.
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "20 per hour")
    # Quiz defaults; a lesson may override the number of questions drawn.
    QUIZ_DEFAULT_SIZE = int(os.environ.get("QUIZ_DEFAULT_SIZE", "0"))  # 0 = all questions
    # Quiz open/close dates are shown in this zone (users have no time zone of their own).
    DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "Europe/Madrid")
    # Answers sent this long after a quiz's deadline still count (the request of a form
    # that submitted itself at zero, a slow network).
    QUIZ_GRACE_SECONDS = int(os.environ.get("QUIZ_GRACE_SECONDS", "30"))
    # Previewed uploads wait here (keyed by a random token) until the instructor confirms.
    IMPORT_UPLOAD_DIR = os.environ.get("IMPORT_UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
    # Course media (images, sounds), one file per SHA-256; each upload at most this size
    # (and never more than MAX_UPLOAD_BYTES, the cap of any request).
    MEDIA_DIR = os.environ.get("MEDIA_DIR") or str(INSTANCE_DIR / "media")
    MEDIA_MAX_BYTES = int(os.environ.get("MEDIA_MAX_BYTES", str(2 * 1024 * 1024)))
    # Tests may fix time: a datetime or a callable returning one (see quizapp/clock.py).
    CLOCK = None
    # The instructor dashboard's rendered figures are shared this long (0: never cached),
    # in Flask-Caching: Redis when REDIS_URL is set (every worker and node sees one copy),
    # else each process's memory.
    DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "30"))
    # The learner dashboard's rendered figures are kept at most this long (0: never
    # cached); they are keyed by a digest of what they are computed from, so a kept copy
    # is never stale, and this only bounds the memory an idle learner's copy holds.
    LEARNER_DASHBOARD_CACHE_SECONDS = int(os.environ.get("LEARNER_DASHBOARD_CACHE_SECONDS", "3600"))
    CACHE_TYPE = "RedisCache" if os.environ.get("REDIS_URL") else "SimpleCache"
    CACHE_REDIS_URL = os.environ.get("REDIS_URL")
    CACHE_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "") + "quizapp:"
    CACHE_DEFAULT_TIMEOUT = 300
    # As the rate limiter's: an unreachable Redis fails fast and the page renders uncached.
    CACHE_OPTIONS = (
        {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        if os.environ.get("REDIS_URL")
        else None
    )
    REVIEW_FUZZING = True
    DESIRED_RETENTION_DEFAULT = 0.9
    DAILY_NEW_CARDS_DEFAULT = 20
    # FSRS parameters are fitted from at least this many scored reviews (a learner with
    # fewer uses the course's, then the defaults) and refitted in the background after
    # every FSRS_REFIT_EVERY new reviews (0: never automatically).
    FSRS_MIN_REVIEWS = int(os.environ.get("FSRS_MIN_REVIEWS", "400"))
    FSRS_REFIT_EVERY = int(os.environ.get("FSRS_REFIT_EVERY", "200"))
    # Jobs (fits) go to this RQ queue when Redis is configured, served by `quizapp worker`;
    # without it they run in the web process after the response.
    JOBS_REDIS_URL = os.environ.get("JOBS_REDIS_URL") or os.environ.get("REDIS_URL")
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "quizapp")
    JOBS_TIMEOUT = int(os.environ.get("JOBS_TIMEOUT", "1800"))  # seconds
    LOAD_MIGRATIONS = True  # Flask-Migrate's `db` commands and flask_migrate.upgrade()


class DevelopmentConfig(Config):
    DEBUG = False
    # Without SECRET_KEY, create_app keeps a random one in instance/.secret_key.
    GENERATE_SECRET_KEY = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105  (tests only)
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL")) or "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    CACHE_TYPE = "SimpleCache"  # each test's app has its own
    CACHE_OPTIONS = None
    # Jobs run in-process unless a test points this at its Redis.
    JOBS_REDIS_URL = None
    LOGIN_RATE_LIMIT = "1000 per minute"
    REGISTER_RATE_LIMIT = "1000 per minute"
    DASHBOARD_CACHE_SECONDS = 0
    # Tests that upload media point this at their own temporary folder; nothing lands in
    # the repository's instance/ by accident.
    MEDIA_DIR = str(Path(tempfile.gettempdir()) / "quizapp-test-media")


class ProductionConfig(Config):
    # Serving needs no Alembic; the console script loads it for `quizapp db` (quizapp.cli).
    LOAD_MIGRATIONS = False
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    REQUIRE_SHARED_RATE_LIMIT_STORAGE = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
