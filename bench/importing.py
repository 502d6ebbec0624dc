"""The bulk-import timing: a generated 10,000-question GIFT file imported with the real
command line, `quizapp questions import FILE --course C --lesson 1 --format gift`."""

import os
import subprocess
import time
from pathlib import Path

from bench import REPO_DIR, VENV_BIN
from bench.content import import_bank
from bench.dataset import IMPORT_COURSE
from quizapp.domain.formats.gift import write_gift


def write_gift_file(path: Path, count: int) -> tuple[Path, int]:
    """The GIFT file and how many questions it holds (GIFT cannot say every type)."""
    result = write_gift(import_bank(count))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(result.text, encoding="utf-8")
    return path, count - len(result.skipped)


def time_import(database_url: str, gift_file: Path, questions: int) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "QUIZAPP_CONFIG": "development"}
    command = [
        str(VENV_BIN / "quizapp"),
        "questions",
        "import",
        str(gift_file),
        "--course",
        IMPORT_COURSE,
        "--lesson",
        "1",
        "--format",
        "gift",
    ]
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own console script)
        command, cwd=REPO_DIR, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    startup = _startup_seconds(env)
    return {
        "command": "quizapp questions import FILE --course "
        f"{IMPORT_COURSE} --lesson 1 --format gift",
        "questions": questions,
        "seconds": round(seconds, 2),
        "cli_startup_seconds": round(startup, 2),
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
