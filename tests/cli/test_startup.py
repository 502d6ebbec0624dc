"""The console script starts cheaply (#20: a 10,000-question import, start-up included,
is timed): a command loads its own services, not the web app's views nor the libraries
of formats and features it does not use; the web app still loads all of them before
its first request."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
# Libraries a GIFT import of valid questions without images has no use for.
HEAVY = (
    "alembic",
    "flask_migrate",
    "jsonschema",
    "markdown_it",
    "nh3",
    "pygments",
    "bs4",
    "genanki",
    "PIL",
    "defusedxml",
    "yaml",
    "rq",
)
WEB_PARTS = ("quizapp.author.views", "quizapp.api.views", "quizapp.templating", "quizapp.errors")
PROBE = """
import sys
from quizapp.cli import main
code = main({args!r}, standalone_mode=False)
print("loaded:", sorted(m for m in {names!r} if m in sys.modules))
"""
GIFT = """// id: s-1
::Capital:: ¿Capital de Francia? {=París ~Lyon ~Niza}

// id: t-1
Flask es un micro-framework. {T}
"""


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "QUIZAPP_CONFIG": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }


def _quizapp(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    quizapp = str(Path(sys.executable).with_name("quizapp"))
    return subprocess.run(  # noqa: S603  (our console script)
        [quizapp, *args], env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    )


def _probe(args: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, list]:
    code = PROBE.format(args=args, names=HEAVY + WEB_PARTS)
    done = subprocess.run(  # noqa: S603  (this interpreter)
        [sys.executable, "-c", code], env=env, cwd=PROJECT_DIR, capture_output=True, text=True
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("loaded:")), "")
    return done, eval(line.removeprefix("loaded:")) if line else None  # noqa: S307 (our print)


def test_questions_help_loads_no_heavy_library_and_no_web_part(tmp_path):
    done, loaded = _probe(["questions", "--help"], _env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "import" in done.stdout
    assert "export" in done.stdout
    assert loaded == []


def test_a_gift_import_runs_on_the_command_line_app_without_web_parts(tmp_path):
    env = _env(tmp_path)
    course = tmp_path / "c1"
    course.mkdir()
    (course / "course.md").write_text("# C1\n\n## Clase 1 Uno\n\nNotas.\n", encoding="utf-8")
    for args in (["db", "upgrade"], ["content", "load", str(course)]):
        done = _quizapp(args, env)
        assert done.returncode == 0, done.stdout + done.stderr
    gift = tmp_path / "q.gift"
    gift.write_text(GIFT, encoding="utf-8")
    args = ["questions", "import", str(gift), "--course", "c1", "--lesson", "1"]
    done, loaded = _probe(args, env)
    assert done.returncode == 0, done.stderr
    assert "2 created, 0 updated" in done.stdout
    assert loaded == []
    # The same file again, through the console script: unchanged, keyed by id.
    again = _quizapp(args, env)
    assert "0 created, 0 updated, 2 unchanged" in again.stdout, again.stdout + again.stderr
    listing = _quizapp(["content", "list", "--json"], env)
    assert '"single_choice": 1' in listing.stdout
    assert '"true_false": 1' in listing.stdout


def test_the_web_app_loads_every_format_before_its_first_request(tmp_path):
    code = (
        "import sys; from quizapp import create_app; create_app('development'); "
        "from quizapp.domain.formats import registry; "
        "print(sorted(m for m in registry._MODULES "
        "if 'quizapp.domain.formats.' + m not in sys.modules))"
    )
    done = subprocess.run(  # noqa: S603  (this interpreter)
        [sys.executable, "-c", code],
        env=_env(tmp_path),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
