"""`python -m bench [--small|--large] [...]` (also `make bench BENCH_ARGS=...`): generate
the data set, measure QuizApp on SQLite (and on PostgreSQL when TEST_DATABASE_URL or
DATABASE_URL points at one) against hello world, and write bench-results/latest.json."""

import argparse
import os
import platform
import shlex
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench import REPO_DIR, RESULTS_DIR, VENV_BIN


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--small", action="store_true", help="~1/50th of the data: a smoke run")
    size.add_argument("--large", action="store_true", help="1,000,000 answers")
    size.add_argument(
        "--huge",
        action="store_true",
        help="5,000,000 answers from 20,000 learners (1,000,000 cards): the PostgreSQL "
        "size target; with --only postgresql",
    )
    for name, help_text in (
        ("learners", "learners (default 2,000)"),
        ("courses", "courses (default 3)"),
        ("questions", "questions over all courses (default 300; 15 per lesson)"),
        ("answers", "graded answers (default 500,000)"),
        ("cards", "flashcards (default 200,000)"),
    ):
        parser.add_argument(f"--{name}", type=int, help=help_text)
    parser.add_argument("--duration", type=float, default=10, help="seconds per scenario (10)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument(
        "--connections", type=int, default=8, help="wrk connections for throughput scenarios (8)"
    )
    parser.add_argument(
        "--latency-connections",
        type=int,
        default=2,
        help="wrk connections for latency targets: one per worker (2)",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="PostgreSQL server to use (default: TEST_DATABASE_URL/DATABASE_URL)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument(
        "--profile",
        choices=["missed", "all", "none"],
        default="missed",
        help="pyinstrument profiles of the scenarios that miss a target (missed)",
    )
    parser.add_argument(
        "--import-questions",
        type=int,
        default=10_000,
        help="GIFT questions in the import timing (10,000; 0 skips it)",
    )
    parser.add_argument(
        "--nodes",
        type=int,
        default=1,
        help="QuizApp nodes: gunicorn instances on their own ports sharing the database and "
        "Redis, the 2 workers split between them and the load spread over them (1)",
    )
    parser.add_argument(
        "--scenarios",
        metavar="NAME[,NAME...]",
        type=lambda value: tuple(name for name in value.split(",") if name),
        default=(),
        help="measure only these QuizApp scenarios (e.g. instructor_dashboard_uncached); "
        "the references are still measured",
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--update-benchmarks",
        action="store_true",
        help="also rewrite BENCHMARKS.md at the repository root",
    )
    return parser.parse_args(argv)


def _preset_name(args: argparse.Namespace) -> str:
    return "small" if args.small else "large" if args.large else "huge" if args.huge else "default"


def sizes_from(args: argparse.Namespace):
    from bench.dataset import Sizes

    sizes = Sizes.preset(_preset_name(args))
    overrides = {
        name: getattr(args, name)
        for name in ("learners", "courses", "questions", "answers", "cards")
        if getattr(args, name) is not None
    }
    return replace(sizes, **overrides)


def preset_of(args: argparse.Namespace) -> str | None:
    """The size preset of this run, or None when sizes were overridden by hand (or the
    run measured several nodes or some scenarios only: the growth table compares one
    node's full runs)."""
    if (
        args.nodes > 1
        or args.scenarios
        or any(
            getattr(args, n) is not None
            for n in ("learners", "courses", "questions", "answers", "cards")
        )
    ):
        return None
    return _preset_name(args)


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def databases(args: argparse.Namespace) -> list[tuple[str, str]]:
    from bench.database import fresh_postgresql, fresh_sqlite, postgresql_source

    chosen = []
    if args.only in (None, "sqlite"):
        chosen.append(("sqlite", fresh_sqlite(RESULTS_DIR / "bench-sqlite.db")))
    source = args.postgres or postgresql_source()
    if args.only == "postgresql" and not source:
        sys.exit("--only postgresql needs --postgres URL, TEST_DATABASE_URL or DATABASE_URL")
    if source and not args.no_postgres and args.only in (None, "postgresql"):
        chosen.append(("postgresql", fresh_postgresql(source)))
    elif not source:
        print(
            "PostgreSQL: skipped (set TEST_DATABASE_URL or DATABASE_URL to a postgresql:// "
            "URL, or pass --postgres URL, to measure it too)"
        )
    return chosen


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if not (VENV_BIN / "gunicorn").exists():
        sys.exit(f"{VENV_BIN / 'gunicorn'} is missing: run `make install` first.")
    from werkzeug.security import generate_password_hash

    from bench import report
    from bench.dataset import PASSWORD, build_dataset
    from bench.importing import write_gift_file
    from bench.load import ensure_wrk
    from bench.runner import Options, _log, measure_database

    ensure_wrk()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    info = machine()
    sizes = sizes_from(args)
    clock = time.perf_counter()
    dataset = build_dataset(sizes, generate_password_hash(PASSWORD), seed=args.seed)
    build_seconds = round(time.perf_counter() - clock, 1)
    _log(f"data set built in {build_seconds} s: {dataset.counts()}")
    gift_file, gift_questions = None, 0
    if args.import_questions:
        gift_file, gift_questions = write_gift_file(
            RESULTS_DIR / "work" / "import.gift", args.import_questions
        )
    options = Options(
        duration=args.duration,
        threads=args.threads,
        connections=args.connections,
        latency_connections=args.latency_connections,
        profile=args.profile,
        nodes=args.nodes,
        scenarios=args.scenarios,
        gift_file=gift_file,
        gift_questions=gift_questions,
        results_dir=RESULTS_DIR,
    )
    run = {
        "started_at": started_at,
        "preset": preset_of(args),
        "command": "make bench" + (f" BENCH_ARGS='{shlex.join(argv)}'" if argv else ""),
        "machine": info,
        "settings": {
            "duration": args.duration,
            "threads": args.threads,
            "connections": args.connections,
            "latency_connections": args.latency_connections,
            "workers": 2,
            "nodes": args.nodes,
            "scenarios": list(args.scenarios),
            "seed": args.seed,
        },
        "dataset": {
            "sizes": sizes.__dict__,
            "counts": dataset.counts(),
            "build_seconds": build_seconds,
        },
        "databases": {},
    }
    for label, url in databases(args):
        run["databases"][label] = measure_database(label, url, dataset, options)
    run["total_seconds"] = round(time.perf_counter() - clock, 1)
    run["checks"] = report.evaluate(run)
    run["growth"] = report.growth(run, RESULTS_DIR)
    latest = report.write(run, RESULTS_DIR)
    print()
    print(report.text_table(run))
    print(
        f"\nwrote {latest.relative_to(REPO_DIR)} and bench-results/latest.md "
        f"in {run['total_seconds']} s"
    )
    if args.update_benchmarks:
        (REPO_DIR / "BENCHMARKS.md").write_text(report.markdown(run), encoding="utf-8")
        print("wrote BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
