"""A serving worker does not load what only the CLI or a few requests use (worker memory
is one of the benchmark's targets): Alembic comes with the console script, Pillow with
the first image checked. The `db` commands still work under the production config."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
SECRET = "a-production-secret-key-of-decent-length"  # noqa: S105  (test value)
PROBE = (
    "import sys; from quizapp import create_app; create_app('production'); "
    "print(sorted(m for m in ('alembic', 'flask_migrate', 'PIL') if m in sys.modules))"
)


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "QUIZAPP_CONFIG"}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}",
        SECRET_KEY=SECRET,
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  (this interpreter or our console script)
        args, env=env, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_production_app_loads_neither_alembic_nor_pillow(tmp_path):
    done = _run([sys.executable, "-c", PROBE], _production_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_console_script_migrates_under_the_production_config(tmp_path):
    env = {**_production_env(tmp_path), "QUIZAPP_CONFIG": "production"}
    quizapp = str(Path(sys.executable).with_name("quizapp"))
    done = _run([quizapp, "db", "upgrade"], env)
    assert done.returncode == 0, done.stderr
    current = _run([quizapp, "db", "current"], env)
    assert "(head)" in current.stdout, current.stdout + current.stderr
