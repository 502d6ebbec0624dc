"""`python -m bench.ab --before REF [...]`: a change's effect, measured as a ratio in one run.

The machine is shared and its load swings by a factor of several within minutes, so two
separate runs cannot be compared. This runs the code of REF (a git ref, checked out in a
temporary worktree) and the working tree side by side on one generated database, each in
its own long-lived process serving requests in-process (Flask's test client, production
config), and alternates them round by round: both see the same load, and the figure to
read is the median's ratio after/before per scenario. CPU time is the process's own
(SQLite runs inside it; PostgreSQL's server time is only in the wall time).

Writes (submit, review) take distinct requests from the data set's pool for each side and
round. The schema is the working tree's (its migrations), so REF must run on it.

`--floor` also serves the floor reference (bench/floor.py) in a third process, its page
requested by the web learners in the same rounds, and adds each side's ×floor (the floor's
CPU per request over the scenario's): the figure #20's targets name, in-process, in
seconds rather than the ten minutes of `make bench`. `--profile NAME` prints a cProfile
of the working tree serving scenario NAME after the rounds. Without `--before`, only the
working tree is measured."""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import REPO_DIR, RESULTS_DIR, VENV_BIN

WORKER = Path(__file__).with_name("ab_worker.py")


class Side:
    """One source tree's worker process, spoken to in JSON lines."""

    def __init__(self, name: str, tree: Path, env: dict[str, str], *, floor: bool = False):
        self.name, self.tree = name, tree
        self.process = subprocess.Popen(  # noqa: S603 (our own script)
            [str(VENV_BIN / "python"), str(WORKER), str(tree), *(["floor"] if floor else [])],
            cwd=tree,
            env={**env, "PYTHONPATH": str(tree)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.origin = self.ask({"op": "hello"})["quizapp"]

    def ask(self, command: dict) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.name} worker died (see its stderr above)")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"{self.name}: {answer['error']}")
        return answer

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def _requests(items) -> list[dict]:
    return [
        {"method": r.method, "path": r.path, "headers": r.headers, "body": r.body} for r in items
    ]


def _before_tree(ref: str) -> Path:
    tree = RESULTS_DIR / "ab-before"
    subprocess.run(  # noqa: S603
        ["git", "worktree", "remove", "--force", str(tree)],  # noqa: S607
        cwd=REPO_DIR,
        capture_output=True,
        check=False,
    )
    subprocess.run(  # noqa: S603
        ["git", "worktree", "add", "--detach", str(tree), ref],  # noqa: S607
        cwd=REPO_DIR,
        capture_output=True,
        check=True,
    )
    # The catalogues are built, not committed: the same translated pages on both sides.
    subprocess.run(  # noqa: S603
        [str(VENV_BIN / "pybabel"), "compile", "-d", "quizapp/translations", "-D", "messages"],
        cwd=tree,
        capture_output=True,
        check=True,
    )
    return tree


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__)
    parser.add_argument("--before", help="git ref of the code to compare with")
    parser.add_argument("--floor", action="store_true", help="also measure the floor reference")
    parser.add_argument("--profile", metavar="NAME", help="cProfile this scenario after the rounds")
    parser.add_argument("--profile-requests", type=int, default=200)
    parser.add_argument("--small", action="store_true", help="the --small data set")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=12, help="per scenario, side and round")
    parser.add_argument("--scenario", action="append", help="only these (repeatable)")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server instead of SQLite")
    parser.add_argument(
        "--pg-database",
        default=os.environ.get("BENCH_AB_DATABASE", "quizapp_ab"),
        help="the database --postgres recreates (BENCH_AB_DATABASE; two runs at once need two)",
    )
    parser.add_argument("--seed", type=int, default=2024)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    from werkzeug.security import generate_password_hash

    from bench.database import (
        fresh_postgresql,
        fresh_sqlite,
        issue_tokens,
        migrate,
        rebuild_statistics,
    )
    from bench.dataset import PASSWORD, Sizes, build_dataset
    from bench.runner import _log
    from bench.scenarios import build_scenarios
    from bench.server import app_environment
    from bench.writer import write_dataset

    sizes = Sizes.preset("small" if args.small else "default")
    dataset = build_dataset(sizes, generate_password_hash(PASSWORD), seed=args.seed)
    if args.postgres:
        url = fresh_postgresql(args.postgres, args.pg_database)
    else:
        url = fresh_sqlite(RESULTS_DIR / "ab-sqlite.db")
    migrate(url)
    write_dataset(url, dataset)
    rebuild_statistics(url)
    tokens = issue_tokens(url, dataset.api_learners)
    _log(f"data set loaded: {dataset.counts()['graded_answers']} graded answers")
    env = app_environment(url, secrets.token_hex(32))
    sides = [Side("before", _before_tree(args.before), env)] if args.before else []
    sides.append(Side("after", REPO_DIR, env))
    floor = Side("floor", REPO_DIR, env, floor=True) if args.floor else None
    try:
        after = sides[-1]
        cookies = {
            user: after.ask(
                {"op": "login", "email": dataset.learner_emails[user], "password": PASSWORD}
            )["cookie"]
            for user in dataset.web_learners
        }
        instructor = after.ask(
            {"op": "login", "email": dataset.instructor_email, "password": PASSWORD}
        )["cookie"]
        scenarios = [
            s
            for s in build_scenarios(dataset, cookies, instructor, tokens)
            if not args.scenario or s.name in args.scenario
        ]
        for scenario in scenarios:  # attempts started once, for both sides (one database)
            if scenario.extra.get("start_quizzes"):
                for cookie, path in {(r.headers["Cookie"], r.path) for r in scenario.requests}:
                    after.ask({"op": "start", "cookie": cookie, "path": path})
        for side in sides:  # warm: templates compiled, caches filled
            for scenario in scenarios:
                if not scenario.writes:
                    side.ask(_run_command(scenario, scenario.requests[:3]))
        times: dict[tuple[str, str], list[dict]] = {}
        floor_pool = []
        if floor is not None:
            floor_cookies = [
                floor.ask({"op": "floor_login", "user_id": user})["cookie"]
                for user in dataset.web_learners
            ]
            floor_pool = [
                {"method": "GET", "path": "/", "headers": {"Cookie": cookie}, "body": None}
                for cookie in floor_cookies
            ]
            floor.ask({"op": "run", "config": {}, "expect": [200], "requests": floor_pool})
        used = 0
        for round_no in range(args.rounds):
            order = sides if round_no % 2 == 0 else sides[::-1]
            if floor is not None:
                pool = floor_pool
                chosen = [pool[(round_no + i) % len(pool)] for i in range(args.requests)]
                answer = floor.ask({"op": "run", "config": {}, "expect": [200], "requests": chosen})
                times.setdefault(("floor", "floor"), []).extend(answer["times"])
            for scenario in scenarios:
                for side in order:
                    if scenario.writes:
                        chosen = scenario.requests[used : used + args.requests]
                        used += args.requests
                    else:
                        pool = scenario.requests
                        chosen = [pool[(round_no + i) % len(pool)] for i in range(args.requests)]
                    answer = side.ask(_run_command(scenario, chosen))
                    times.setdefault((scenario.name, side.name), []).extend(answer["times"])
            _log(f"round {round_no + 1}/{args.rounds} done")
        print(_table(scenarios, times, sides, args, url))
        if args.profile:
            print(_profile(after, scenarios, args, used))
    finally:
        for side in sides + ([floor] if floor else []):
            side.close()
    return 0


def _run_command(scenario, chosen) -> dict:
    return {
        "op": "run",
        "config": _config(scenario),
        "expect": list(scenario.expect),
        "requests": _requests(chosen),
    }


def _config(scenario) -> dict:
    """The app settings a scenario is served with: its caches off when uncached."""
    from bench.scenarios import uncached_settings

    return uncached_settings() if scenario.uncached else {}


def _profile(side: Side, scenarios, args, used: int) -> str:
    wanted = [s for s in scenarios if s.name == args.profile]
    if not wanted:
        return f"no scenario named {args.profile}"
    scenario = wanted[0]
    # A write is sent once (its pool's unused part); a read's pool is rotated.
    pool = scenario.requests[used:] if scenario.writes else scenario.requests
    count = min(args.profile_requests, len(pool)) if scenario.writes else args.profile_requests
    chosen = [pool[i % len(pool)] for i in range(count)]
    command = {"op": "profile", "config": _config(scenario), "limit": 45}
    return side.ask({**command, "requests": _requests(chosen)})["text"]


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _table(scenarios, times, sides, args, url) -> str:
    from bench.database import display_url

    floor_cpu = _median([t["cpu"] for t in times.get(("floor", "floor"), [])])
    lines = [
        f"A/B, {time.strftime('%Y-%m-%d %H:%M:%S')}: before = {args.before or '–'}, "
        f"after = working tree ({sides[-1].origin})",
        f"database {display_url(url)}; {args.rounds} rounds × {args.requests} requests "
        "per scenario and side, alternating; medians in ms",
    ]
    if args.floor:
        lines.append(
            f"floor reference (bench/floor.py, in-process): {floor_cpu:.2f} ms CPU per request; "
            "×floor = floor CPU / scenario CPU"
        )
    lines += [
        "",
        "| scenario | before wall | after wall | after/before | before CPU | after CPU "
        "| after/before | before ×floor | after ×floor | errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for scenario in scenarios:
        before = times.get((scenario.name, "before"), [])
        after = times.get((scenario.name, "after"), [])
        bw, aw = (_median([t["wall"] for t in xs]) for xs in (before, after))
        bc, ac = (_median([t["cpu"] for t in xs]) for xs in (before, after))
        errors = sum(1 for t in before + after if not t["ok"])
        lines.append(
            f"| {scenario.name} | {bw:.2f} | {aw:.2f} | {aw / bw:.2f} | {bc:.2f} | {ac:.2f} "
            f"| {ac / bc:.2f} | {floor_cpu / bc:.2f} | {floor_cpu / ac:.2f} | {errors} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
