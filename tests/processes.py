"""The one harness for tests that run the app in a real gunicorn process (the browser
journeys, the concurrency and database-restart proofs): a free port, the environment, the
server started on it, waited for on /healthz, and stopped however the test ends."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


@dataclass
class ServedApp:
    """A running `gunicorn "quizapp:create_app()"` and where its output goes."""

    url: str
    database_url: str  # SQLAlchemy URL of the server's database
    log_path: Path
    process: subprocess.Popen

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def server_env(database_url: str, **settings: str) -> dict[str, str]:
    """This environment without QUIZAPP_* and REDIS_URL (the server keeps its rate limits
    in memory), in the development configuration, plus `settings`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("QUIZAPP_")}
    env.pop("REDIS_URL", None)
    env.update(
        DATABASE_URL=database_url,
        QUIZAPP_CONFIG="development",
        SECRET_KEY="test-server-secret-key-not-for-production",
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    return env


def has_gunicorn() -> bool:
    return (VENV_BIN / "gunicorn").exists()


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    """Ask the server to stop, and kill it if it has not within `timeout` seconds."""
    process.terminate()
    wait_or_kill(process, timeout)


def wait_or_kill(process: subprocess.Popen, timeout: float = 15) -> None:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _wait_until_healthy(served: ServedApp, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise RuntimeError(f"the server exited ({served.process.returncode})")
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(f"{served.url}/healthz", timeout=2) as response,  # noqa: S310
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"/healthz did not answer within {timeout:.0f} s")


def run_commands(database: str, commands: list[list[str]]) -> None:
    """`quizapp` commands (e.g. ["db", "upgrade"]) against a server's database, run in
    this process: a dozen fresh interpreters would cost more than the test."""
    from config import database_url
    from quizapp import create_app
    from quizapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(database)})
    runner = app.test_cli_runner()
    try:
        for command in commands:
            # The console script (FlaskGroup) runs every command in an app context; the
            # test runner only those declared on app.cli.
            with app.app_context():
                result = runner.invoke(args=command)
            if result.exit_code != 0:
                raise RuntimeError(
                    f"quizapp {' '.join(command)}: {result.output} {result.exception!r}"
                )
    finally:
        with app.app_context():
            db.engine.dispose()


def postgresql_admin_url() -> str:
    """The PostgreSQL server of the tests that need one on either pass: TEST_DATABASE_URL's
    when it names PostgreSQL, else the machine's (127.0.0.1:5432, trust auth)."""
    given = os.environ.get("TEST_DATABASE_URL", "")
    if given.startswith("postgres"):
        return given
    return "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextlib.contextmanager
def fresh_postgresql_database(admin_url: str, label: str) -> Iterator[str]:
    """A database of its own on the server of `admin_url`, dropped afterwards."""
    import uuid

    import sqlalchemy as sa

    from config import database_url

    url = sa.engine.make_url(database_url(admin_url))
    name = f"{url.database}_{label}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    name = f"{name}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _start(env: dict[str, str], log_path: Path, workers: int, threads: int) -> ServedApp:
    # gunicorn is handed a socket already bound and listening: a port that was merely free
    # a moment ago can be taken by any process's outgoing connection before gunicorn binds.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        port = listener.getsockname()[1]
        with log_path.open("ab") as log:
            process = subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
                [
                    str(VENV_BIN / "gunicorn"),
                    *("--workers", str(workers), "--threads", str(threads), "--timeout", "60"),
                    *("--bind", f"fd://{listener.fileno()}", "--no-control-socket"),
                    *("--access-logfile", "-", "--error-logfile", "-"),
                    "quizapp:create_app()",
                ],
                env=env,
                cwd=PROJECT_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
            )
    return ServedApp(f"http://127.0.0.1:{port}", env["DATABASE_URL"], log_path, process)


@contextlib.contextmanager
def serve_several(
    env: dict[str, str],
    log_paths: list[Path],
    *,
    workers: int = 1,
    threads: int = 4,
    startup_timeout: float = 40.0,
) -> Iterator[list[ServedApp]]:
    """One gunicorn per log path, all with `env`, started together and stopped together:
    their start-ups and stops overlap instead of adding up. The stop is gunicorn's quick
    one (SIGQUIT): the test is done with the server, and a graceful stop only waits out
    idle keep-alive connections (twice as long, seen with the two-node test)."""
    started: list[ServedApp] = []
    try:
        started.extend(_start(env, path, workers, threads) for path in log_paths)
        for served in started:
            try:
                _wait_until_healthy(served, startup_timeout)
            except RuntimeError as error:
                raise RuntimeError(f"{error}\n{served.log_tail()}") from None
        yield started
    finally:
        for served in started:
            served.process.send_signal(signal.SIGQUIT)
        for served in started:
            wait_or_kill(served.process)


@contextlib.contextmanager
def serve(
    env: dict[str, str],
    log_path: Path,
    *,
    workers: int = 1,
    threads: int = 4,
    startup_timeout: float = 40.0,
) -> Iterator[ServedApp]:
    """gunicorn on a free port of 127.0.0.1 with `env`, its output appended to `log_path`;
    yields once /healthz answers (RuntimeError with the log's tail if it never does) and
    stops the server on the way out."""
    options = {"workers": workers, "threads": threads, "startup_timeout": startup_timeout}
    with serve_several(env, [log_path], **options) as (served,):
        yield served
