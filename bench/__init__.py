"""QuizApp's benchmark (`make bench`, `python -m bench --help`): a generated data set
loaded with bulk inserts, the app served by gunicorn and loaded by wrk, measured against
a bare Flask hello world served the same way."""

from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_DIR / "bench-results"
VENV_BIN = REPO_DIR / ".venv" / "bin"
