"""One database's measurements: load the data set, serve hello world then QuizApp with
gunicorn, drive each scenario with wrk, read the workers' memory, count SQL and profile
in-process, and time the GIFT import."""

import json
import secrets
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench import REPO_DIR, VENV_BIN
from bench.database import issue_tokens, migrate, rebuild_statistics, settle
from bench.dataset import PASSWORD, PROFILED_IMPORT_COURSE, Dataset
from bench.importing import time_import
from bench.load import run_wrk_on_nodes, write_lua_data
from bench.report import IMPORT_LIMIT_S, scenario_figures
from bench.scenarios import (
    WIDE_CONNECTIONS,
    Scenario,
    build_scenarios,
    floor_scenario,
    hello_scenario,
    uncached_settings,
)
from bench.server import FLOOR, HELLO, QUIZAPP, Gunicorn, Nodes, app_environment
from bench.sessions import check, floor_login, login, start_quiz

WARM_UP_SECONDS = 1
SLOW_REQUEST_S = 0.25  # no warm-up above this: its requests would still be running
MAX_DURATION_S = 40  # a slow page gets longer, to finish about 20 requests


@dataclass(frozen=True)
class Options:
    duration: float
    threads: int
    connections: int
    latency_connections: int
    profile: str  # "missed", "all" or "none"
    gift_file: Path | None
    gift_questions: int
    results_dir: Path
    nodes: int = 1  # QuizApp nodes (gunicorn instances sharing the database and Redis)
    scenarios: tuple[str, ...] = ()  # only these QuizApp scenarios (empty: every one)


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _wrk(
    base_url: str | list[str],
    scenario: Scenario,
    data_dir: Path,
    options: Options,
    connections: int,
    duration: float,
    timeout: float = 10.0,
) -> dict:
    urls = [base_url] if isinstance(base_url, str) else base_url
    # Each node gets its own share of the pool: a write (a submission, a rating) must not
    # be sent to two nodes at once, as one balancer would never send one request twice.
    data = [
        write_lua_data(
            data_dir / f"{scenario.name}-{i}.lua",
            scenario.requests[i :: len(urls)] or scenario.requests,
            scenario.expect,
        )
        for i in range(len(urls))
    ]
    return run_wrk_on_nodes(
        urls,
        data,
        duration=duration,
        connections=connections,
        threads=options.threads,
        timeout=timeout,
    )


def reference_levels(options: Options) -> tuple[int, ...]:
    """Connection counts at which the references are measured: every count a scenario uses."""
    return tuple(sorted({options.latency_connections, options.connections, WIDE_CONNECTIONS}))


def reference_key(name: str, connections: int) -> str:
    return f"{name}_c{connections}"


def _reference(
    label: str, name: str, app: str, scenario: Scenario, env: dict, options: Options, data_dir
) -> dict:
    figures = {}
    log = options.results_dir / "logs" / f"{label}-{name}.log"
    with Gunicorn(app, env, log) as server:
        if name == "floor":
            cookies = [floor_login(server.url, user) for user in scenario.extra["users"]]
            scenario = floor_scenario(cookies)
            check(server.url, "GET", "/", scenario.requests[0].headers, None, scenario.expect)
        _wrk(server.url, scenario, data_dir, options, options.connections, WARM_UP_SECONDS)
        for connections in reference_levels(options):
            wrk = _wrk(server.url, scenario, data_dir, options, connections, options.duration)
            key = reference_key(name, connections)
            figures[key] = {**scenario_figures(wrk, {}), "connections": connections}
            _log(f"{label} {key}: {figures[key]['rps']} req/s")
    return figures


def _references(label: str, env: dict, dataset: Dataset, options: Options, data_dir) -> dict:
    """Hello world and the floor reference, each at every connection count used."""
    floor = floor_scenario([])
    floor.extra["users"] = list(dataset.web_learners)
    return {
        **_reference(label, "hello", HELLO, hello_scenario(), env, options, data_dir),
        **_reference(label, "floor", FLOOR, floor, env, options, data_dir),
    }


def _reference_rps(references: dict, connections: int) -> dict[str, float]:
    return {
        name: references[reference_key(name, connections)]["rps"]
        for name in ("hello", "floor")
        if reference_key(name, connections) in references
    }


def _preflight(server: Gunicorn, scenario: Scenario) -> float:
    """Each request once (GET pages), or the first probe (writes): a wrong status stops the
    bench instead of measuring login redirects. The quiz scenario's attempts are started
    first (a POST, as the "Take the quiz" button), so its visits read the form of an
    attempt in progress, as a learner's reloads do. Returns the seconds the last request
    took."""
    if scenario.extra.get("start_quizzes"):
        for item in {(r.headers["Cookie"], r.path) for r in scenario.requests}:
            start_quiz(server.url, *item)
    requests = scenario.requests if scenario.check_all else scenario.probes[:1]
    seconds = 0.0
    for item in requests:
        started = time.perf_counter()
        check(server.url, item.method, item.path, item.headers, item.body, scenario.expect)
        seconds = time.perf_counter() - started
    return seconds


def _measure(
    server: Nodes,
    scenario: Scenario,
    options: Options,
    data_dir: Path,
    references: dict,
    connections: int,
    primary: bool,
) -> dict:
    single = _preflight(server, scenario)
    if not scenario.writes and single < SLOW_REQUEST_S:
        _wrk(server.urls, scenario, data_dir, options, connections, WARM_UP_SECONDS)
    # A slow page gets longer at its own level, to finish about 20 requests; the extra
    # levels (8, 32 connections) keep the set duration, or the run would take an hour.
    duration = options.duration
    if primary:
        duration = max(duration, min(MAX_DURATION_S, single * 20 * connections / server.workers))
    wrk = _wrk(
        server.urls,
        scenario,
        data_dir,
        options,
        connections,
        duration,
        timeout=max(10.0, single * 10 * connections / server.workers),
    )
    figures = scenario_figures(wrk, _reference_rps(references, connections))
    figures.update(
        scenario=scenario.name,
        connections=connections,
        title=scenario.title,
        duration_s=round(duration, 1),
        writes=scenario.writes,
        targets=[
            {"metric": t.metric, "limit": t.limit, "text": t.describe()}
            for t in (scenario.targets if primary else ())
        ],
    )
    if scenario.writes:
        figures["pool"] = len(scenario.requests)
        figures["pool_wrapped"] = wrk["requests"] > len(scenario.requests)
    return figures


def _app_scenarios(
    label: str,
    env: dict,
    dataset: Dataset,
    tokens: dict,
    options: Options,
    data_dir: Path,
    references: dict,
) -> tuple[dict, list, list]:
    """Every scenario at each of its connection counts: the cached ones on one server, then
    the uncached ones on a server whose dashboard caches are off (same key, same cookies)."""
    results = {}
    workers: list = []
    scenarios: list[Scenario] = []
    for uncached in (False, True):
        off = {name: str(value) for name, value in uncached_settings().items()}
        server_env = {**env, **off} if uncached else env
        name = "quizapp-uncached" if uncached else "quizapp"
        log = options.results_dir / "logs" / f"{label}-{name}.log"
        with Nodes(QUIZAPP, server_env, log, options.nodes) as server:
            if not uncached:
                cookies = {
                    user: login(server.url, dataset.learner_emails[user], PASSWORD)
                    for user in dataset.web_learners
                }
                instructor = login(server.url, dataset.instructor_email, PASSWORD)
                scenarios = [
                    scenario
                    for scenario in build_scenarios(dataset, cookies, instructor, tokens)
                    if not options.scenarios or scenario.name in options.scenarios
                ]
            for scenario in (s for s in scenarios if s.uncached == uncached):
                main = options.latency_connections if scenario.latency else options.connections
                levels = [main, *(c for c in scenario.more_connections if c != main)]
                for connections in levels:
                    key = scenario.name if connections == main else f"{scenario.name}@{connections}"
                    figures = _measure(
                        server,
                        scenario,
                        options,
                        data_dir,
                        references,
                        connections,
                        connections == main,
                    )
                    results[key] = figures
                    _log(
                        f"{label} {key}: {figures['rps']} req/s, p95 {figures['p95_ms']} ms, "
                        f"p99 {figures['p99_ms']} ms, errors {figures['errors']}"
                    )
            if not uncached:
                workers = server.worker_memory()
    return results, workers, scenarios


def _inprocess(
    label: str,
    env: dict,
    scenarios: list[Scenario],
    results: dict,
    options: Options,
    profile_import: bool,
) -> dict:
    def wanted(scenario: Scenario) -> bool:
        if options.profile == "all":
            return True
        figures = results[scenario.name]
        return options.profile == "missed" and any(
            not _target_met(figures, target) for target in figures["targets"]
        )

    spec = {
        "label": label,
        "profile_dir": str(options.results_dir / "profiles"),
        "scenarios": [
            {
                "name": s.name,
                "profile": wanted(s),
                "uncached": s.uncached,
                "probes": [
                    {"method": p.method, "path": p.path, "headers": p.headers, "body": p.body}
                    for p in s.probes
                ],
            }
            for s in scenarios
        ],
    }
    if profile_import:
        spec["import_profile"] = {"file": str(options.gift_file), "course": PROFILED_IMPORT_COURSE}
    spec_file = options.results_dir / "work" / f"{label}-inprocess.json"
    out_file = options.results_dir / "work" / f"{label}-inprocess-out.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run(  # noqa: S603
        [str(VENV_BIN / "python"), "-m", "bench.inprocess", str(spec_file), str(out_file)],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"in-process measurements failed:\n{done.stderr[-3000:]}")
    return json.loads(out_file.read_text(encoding="utf-8"))


def _target_met(figures: dict, target: dict) -> bool:
    value = figures.get(target["metric"]) if figures.get("requests") else None
    if value is None:
        return False
    if target["metric"].endswith("_ms"):
        return value <= target["limit"]
    return value >= target["limit"]


def measure_database(label: str, url: str, dataset: Dataset, options: Options) -> dict:
    from bench.writer import write_dataset

    data_dir = options.results_dir / "work" / label
    started = time.perf_counter()
    migrate(url)
    migrate_seconds = round(time.perf_counter() - started, 1)
    _log(f"{label}: migrated in {migrate_seconds} s; bulk-inserting the data set...")
    load_seconds = round(write_dataset(url, dataset), 1)
    started = time.perf_counter()
    rebuild_statistics(url)
    rebuild_seconds = round(time.perf_counter() - started, 1)
    tokens = issue_tokens(url, dataset.api_learners)
    _log(f"{label}: data loaded in {load_seconds} s, statistics rebuilt in {rebuild_seconds} s")
    env = app_environment(url, secrets.token_hex(32))
    references = _references(label, env, dataset, options, data_dir)
    scenarios_figures, workers, scenarios = _app_scenarios(
        label, env, dataset, tokens, options, data_dir, references
    )
    # The in-process counts and profiles see the data set the scenarios were served from:
    # before the import timing adds its courses of questions.
    measured = _inprocess(label, env, scenarios, scenarios_figures, options, False)
    for name, figures in scenarios_figures.items():
        figures.update(measured.get(name, {}))
    imported = None
    if options.gift_file:
        settled = settle(url)
        imported = time_import(url, options.gift_file, options.gift_questions)
        imported["settled_seconds"] = settled
        _log(
            f"{label}: GIFT import {imported['seconds']} s (ok={imported['ok']}; "
            f"{settled} s waited for autovacuum first)"
        )
        missed = not imported["ok"] or imported["seconds"] > IMPORT_LIMIT_S
        if options.profile == "all" or (options.profile == "missed" and missed):
            profiled = _inprocess(label, env, [], scenarios_figures, options, True)
            imported["profile"] = profiled["import"]["profile"]
    return {
        "url": _safe_url(url),
        "migrate_seconds": migrate_seconds,
        "load_seconds": load_seconds,
        "rebuild_seconds": rebuild_seconds,
        "references": references,
        "scenarios": scenarios_figures,
        "workers": workers,
        "import": imported,
    }


def _safe_url(url: str) -> str:
    from bench.database import display_url

    return display_url(url)
