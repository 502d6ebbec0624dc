"""Shared fixtures: an app on a real database (SQLite file, or TEST_DATABASE_URL), a
client, a CLI runner, account helpers and a small course loaded from files."""

import contextvars
import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from config import database_url
from quizapp import create_app
from quizapp.extensions import db
from quizapp.models.types import utcnow

TESTS_DIR = Path(__file__).resolve().parent
DATA_DIR = TESTS_DIR / "data"
PASSWORD = "correct-horse-battery"


def _worker_database(uri: str) -> str:
    """Under pytest-xdist each worker gets its own fresh PostgreSQL database, named after
    the one TEST_DATABASE_URL gives, so parallel workers never share tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not uri.startswith("postgresql"):
        return uri
    url = sa.engine.make_url(uri)
    name = f"{url.database}_{worker}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory) -> str:
    uri = database_url(os.environ.get("TEST_DATABASE_URL")) or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )
    uri = _worker_database(uri)
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        # The schema comes from the migrations, as in production.
        upgrade()
        db.engine.dispose()
    return uri


def _empty_all_tables() -> None:
    """Every table emptied (children first) and, on PostgreSQL, every id sequence back at 1,
    as TRUNCATE … RESTART IDENTITY would leave them. A TRUNCATE gives each of the tables a
    new file: 0.1-0.3 s after every test, a third of the PostgreSQL pass; deleting the few
    rows a test wrote takes milliseconds."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            sa.text(
                "SELECT setval(oid::regclass, 1, false) FROM pg_class "
                "WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace"
            )
        )
    db.session.commit()


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a real server would: the test's own app
    context (and its `g`, session and identity map) is not shared with the request.
    It asks for English pages, so assertions on UI text are in the msgid language; tests
    of the Spanish UI say so explicitly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def open(self, *args, **kwargs):
        db.session.commit()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            # End the test's read transaction so it sees what the request wrote.
            db.session.rollback()


@pytest.fixture
def app_config() -> dict:
    """Per-test overrides; tests may request and extend this before `app` is built."""
    return {}


@pytest.fixture
def app(database_uri, app_config):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, **app_config})
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


class AuthActions:
    """Logs in and out through the real forms, CSRF token included."""

    def __init__(self, client):
        self._client = client

    def csrf_token(self, path: str = "/auth/login") -> str:
        return csrf_token_from(self._client.get(path).get_data(as_text=True))

    def login(self, email: str, password: str = PASSWORD, remember: bool = False, **extra):
        data = {"email": email, "password": password, "csrf_token": self.csrf_token(), **extra}
        if remember:
            data["remember"] = "y"
        return self._client.post("/auth/login", data=data)

    def logout(self):
        return self._client.post("/auth/logout", data={"csrf_token": self.csrf_token("/")})


@pytest.fixture
def auth(client):
    return AuthActions(client)


def _teach_every_course(instructors=None) -> None:
    """Global instructors teach the courses of the test, as the migration to per-course
    roles made every existing instructor an instructor of every existing course."""
    from quizapp.models import Course, User
    from quizapp.services.memberships import find_membership, set_member

    if instructors is None:
        instructors = db.session.scalars(sa.select(User).where(User.role == "instructor"))
    instructors = list(instructors)
    for course in db.session.scalars(sa.select(Course)):
        for user in instructors:
            if find_membership(db.session, course, user) is None:
                set_member(db.session, course, user, "instructor", utcnow())


@pytest.fixture
def not_teaching() -> set[int]:
    """Ids of the instructors made with `teaches=False`."""
    return set()


@pytest.fixture
def make_user(app, not_teaching):
    """`make_user(role)`: an account. An instructor teaches every course loaded so far
    (and the bundled course when loaded later) unless `teaches=False`."""
    from quizapp.services.accounts import create_user

    counter = iter(range(1, 10_000))

    def factory(
        role: str = "learner",
        email: str | None = None,
        password: str = PASSWORD,
        teaches: bool = True,
    ):
        email = email or f"{role}{next(counter)}@example.org"
        user = create_user(db.session, email, password, role=role)
        if role == "instructor" and teaches:
            _teach_every_course([user])
        db.session.commit()
        if role == "instructor" and not teaches:
            not_teaching.add(user.id)
        return user

    return factory


@pytest.fixture
def login_as(auth, make_user):
    """`login_as(role="learner", **make_user_args)`: a new account, logged in through the
    real form; returns the user."""

    def login(role: str = "learner", **kwargs):
        user = make_user(role, **kwargs)
        auth.login(user.email)
        return user

    return login


class QueryCounter:
    """The SQL statements sent to the database (not BEGIN/COMMIT/ROLLBACK) while a `with`
    block runs: `with count_queries: ...`, then `len(count_queries)`."""

    def __init__(self):
        self.statements: list[str] = []
        self._active = False

    def before_cursor_execute(self, conn, cursor, statement, parameters, context, executemany):
        skip = statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))
        if self._active and not skip:
            self.statements.append(" ".join(statement.split()))

    def __enter__(self) -> "QueryCounter":
        self.statements.clear()
        self._active = True
        return self

    def __exit__(self, *exc) -> None:
        self._active = False

    def __len__(self) -> int:
        return len(self.statements)

    def selects(self) -> list[str]:
        return [s for s in self.statements if s.upper().startswith("SELECT")]

    def report(self) -> str:
        return "\n".join(self.statements)


@pytest.fixture
def count_queries(app):
    counter = QueryCounter()
    sa.event.listen(db.engine, "before_cursor_execute", counter.before_cursor_execute)
    yield counter
    sa.event.remove(db.engine, "before_cursor_execute", counter.before_cursor_execute)


@pytest.fixture
def enrol(app):
    """`enrol(user, course_slug="curso-flask", role="learner")`: a membership of the course."""
    from quizapp.services import catalog
    from quizapp.services.memberships import set_member

    def make(user, course_slug: str = "curso-flask", role: str = "learner"):
        membership = set_member(
            db.session, catalog.find_course(db.session, course_slug), user, role, utcnow()
        )
        db.session.commit()
        return membership

    return make


@pytest.fixture
def deck_course(app):
    """tests.factories.make_deck_course, committed: "mazo", two lessons of every deck type,
    for mechanism tests that need no particular wording."""
    from tests.factories import make_deck_course

    course = make_deck_course(db.session)
    db.session.commit()
    return course


@pytest.fixture
def essay_course(app):
    """tests.factories.make_essay_course, committed: "ensayos", one lesson with
    descriptions, a single choice and an essay graded by hand."""
    from tests.factories import make_essay_course

    course = make_essay_course(db.session)
    db.session.commit()
    return course


@pytest.fixture
def bundled_course(app, not_teaching):
    """The course shipped in questions/, loaded through the real loader; the instructors
    made so far teach it."""
    from quizapp.models import User
    from quizapp.services.content_loader import load_path

    report = load_path(db.session, Path(app.config["QUESTIONS_DIR"]) / "curso-flask", utcnow())
    _teach_every_course(
        db.session.scalars(
            sa.select(User).where(User.role == "instructor", User.id.not_in(not_teaching))
        )
    )
    db.session.commit()
    return report
