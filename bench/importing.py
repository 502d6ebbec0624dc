"""The bulk-import timing: a generated 10,000-question GIFT file imported with the real
command line, `quizapp questions import FILE --course C --lesson 1 --format gift`, once
into each empty course of `IMPORT_COURSES`; the figure is the median run."""

import os
import statistics
import subprocess
import time
from pathlib import Path

from bench import REPO_DIR, VENV_BIN
from bench.content import import_bank
from bench.dataset import IMPORT_COURSES
from quizapp.domain.formats.gift import write_gift


def write_gift_file(path: Path, count: int) -> tuple[Path, int]:
    """The GIFT file and how many questions it holds (GIFT cannot say every type)."""
    result = write_gift(import_bank(count))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(result.text, encoding="utf-8")
    return path, count - len(result.skipped)


def time_import(database_url: str, gift_file: Path, questions: int) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "QUIZAPP_CONFIG": "development"}
    runs = [_timed_import(env, gift_file, course) for course in IMPORT_COURSES]
    failed = next((run for run in runs if not run["ok"]), None)
    startup = _startup_seconds(env)
    return {
        "command": "quizapp questions import FILE --course C --lesson 1 --format gift",
        "questions": questions,
        "seconds": round(statistics.median(run["seconds"] for run in runs), 2),
        "runs_seconds": [round(run["seconds"], 2) for run in runs],
        "cli_startup_seconds": round(startup, 2),
        "ok": failed is None,
        "output": (failed or runs[-1])["output"],
    }


def _timed_import(env: dict[str, str], gift_file: Path, course: str) -> dict:
    command = [
        str(VENV_BIN / "quizapp"),
        "questions",
        "import",
        str(gift_file),
        "--course",
        course,
        "--lesson",
        "1",
        "--format",
        "gift",
    ]
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own console script)
        command, cwd=REPO_DIR, env=env, capture_output=True, text=True, check=False
    )
    return {
        "seconds": time.perf_counter() - started,
        "ok": done.returncode == 0,
        "output": (done.stdout + done.stderr).strip()[-500:],
    }


def _startup_seconds(env: dict[str, str]) -> float:
    """What the command costs before importing anything (`quizapp questions --help`)."""
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [str(VENV_BIN / "quizapp"), "questions", "--help"],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - started
