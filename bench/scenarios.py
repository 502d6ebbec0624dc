"""What is measured: each scenario is the requests wrk sends in turn, the probe requests
kept apart for checks, query counts and profiles, and the targets it must reach."""

import json
from dataclasses import dataclass, field

from bench.dataset import BIG_COURSE, Dataset
from bench.load import HttpRequest

PROBES = 20  # pool items kept out of wrk's rotation: 1 check, 2 counted, the rest profiled

# The settings that keep rendered pages (instructor and learner dashboards): an uncached
# scenario is served with each at 0, and measures what a page costs when it is computed.
CACHE_SETTINGS = ("DASHBOARD_CACHE_SECONDS", "LEARNER_DASHBOARD_CACHE_SECONDS")


def uncached_settings() -> dict[str, int]:
    return dict.fromkeys(CACHE_SETTINGS, 0)


# Throughput levels: the scenario's own (8, or 2 for latency targets) and 32 connections,
# where a server that serialises its requests shows falling throughput and long tails.
WIDE_CONNECTIONS = 32


@dataclass(frozen=True)
class Target:
    metric: str  # "floor_ratio" (of the floor reference's requests/s) or "p95_ms"
    limit: float

    def met(self, figures: dict) -> bool | None:
        value = figures.get(self.metric)
        if value is None:
            return None
        return value <= self.limit if self.metric.endswith("_ms") else value >= self.limit

    def describe(self) -> str:
        if self.metric == "floor_ratio":
            return f"≥ {self.limit:g}× floor"
        return f"{self.metric.removesuffix('_ms')} ≤ {self.limit:g} ms"


@dataclass
class Scenario:
    name: str
    title: str
    requests: list[HttpRequest]
    probes: list[HttpRequest]
    expect: tuple[int, ...] = (200,)
    # Latency targets are measured with one connection per worker (service time, not
    # time spent queueing behind other connections); throughput with more.
    latency: bool = False
    targets: tuple[Target, ...] = ()
    check_all: bool = False  # send every rotated request once before measuring
    writes: bool = False
    # Served by a QuizApp whose dashboard caches are off (each of CACHE_SETTINGS at 0).
    uncached: bool = False
    # Also measured at these connection counts (a row "name@N" each, no targets).
    more_connections: tuple[int, ...] = ()
    extra: dict = field(default_factory=dict)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _cookie(cookie: str) -> dict[str, str]:
    return {"Cookie": cookie}


def _page(
    name: str,
    title: str,
    pool: list[HttpRequest],
    *,
    floor: float | None = None,
    p95_ms: float | None = None,
    check_all: bool = False,
    uncached: bool = False,
    start_quizzes: bool = False,
) -> Scenario:
    """A read scenario: wrk rotates the whole pool, the probes repeat its first request;
    a p95 target is measured as latency (one connection per worker), a ratio as throughput.
    Every read is also measured at 8 (p99 tails) and 32 connections (throughput that must
    not fall)."""
    targets = [Target("floor_ratio", floor)] if floor is not None else []
    targets += [Target("p95_ms", p95_ms)] if p95_ms is not None else []
    latency = p95_ms is not None
    return Scenario(
        name,
        title,
        pool,
        pool[:1] * PROBES,
        latency=latency,
        targets=tuple(targets),
        check_all=check_all,
        uncached=uncached,
        more_connections=(8, WIDE_CONNECTIONS) if latency else (WIDE_CONNECTIONS,),
        extra={"start_quizzes": start_quizzes},
    )


def build_scenarios(
    dataset: Dataset, cookies: dict[int, str], instructor_cookie: str, tokens: dict[int, str]
) -> list[Scenario]:
    big_lessons = [lesson for lesson in dataset.lessons if lesson.course_slug == BIG_COURSE]
    web = [
        (cookies[user], big_lessons[i % len(big_lessons)])
        for i, user in enumerate(dataset.web_learners)
    ]

    def pages(path_of) -> list[HttpRequest]:
        return [HttpRequest("GET", path_of(lesson), _cookie(cookie)) for cookie, lesson in web]

    lesson_pages = pages(lambda lesson: f"/courses/{lesson.course_slug}/{lesson.slug}")
    quiz_pages = pages(lambda lesson: f"/courses/{lesson.course_slug}/{lesson.slug}/quiz")
    queue_pages = pages(lambda _lesson: "/review")
    dashboards = pages(lambda _lesson: "/dashboard")
    due_api = [
        HttpRequest("GET", "/api/v1/review/due", _bearer(tokens[user]))
        for user in dataset.api_learners
    ]
    submissions = [
        HttpRequest(
            "POST",
            f"/api/v1/attempts/{attempt.id}/submit",
            _bearer(tokens[attempt.user_id]),
            json.dumps(
                {
                    "answers": [
                        {"answer_id": answer_id, "response": response}
                        for answer_id, response in attempt.answers
                    ]
                }
            ),
        )
        for attempt in dataset.pool
    ]
    ratings = [
        HttpRequest(
            "POST",
            f"/api/v1/review/{card_id}",
            _bearer(tokens[user_id]),
            json.dumps({"rating": 3, "duration_ms": 4000}),
        )
        for card_id, user_id in dataset.review_cards
    ]
    instructor = [
        HttpRequest("GET", f"/instructor/courses/{BIG_COURSE}", _cookie(instructor_cookie))
    ]
    return [
        _page("lesson", "Lesson page (logged in)", lesson_pages, floor=0.7, check_all=True),
        _page(
            "quiz",
            "Quiz page, 10 questions",
            quiz_pages,
            floor=0.5,
            check_all=True,
            # Each learner's attempt is started first (a POST): the page shows its form.
            start_quizzes=True,
        ),
        _page("due_queue", "Due-review queue /review", queue_pages, floor=0.5, check_all=True),
        _page("due_queue_api", "Due-review queue API", due_api, floor=0.5),
        _page("learner_dashboard", "Learner dashboard", dashboards, floor=0.4, check_all=True),
        _page(
            "learner_dashboard_uncached",
            "Learner dashboard, no cache",
            dashboards,
            floor=0.4,
            check_all=True,
            uncached=True,
        ),
        _page("instructor_dashboard", "Instructor dashboard, big course", instructor, p95_ms=150),
        _page(
            "instructor_dashboard_uncached",
            "Instructor dashboard, big course, no cache",
            instructor,
            p95_ms=150,
            uncached=True,
        ),
        Scenario(
            "submit",
            "Quiz submission (API)",
            submissions[PROBES:],
            submissions[:PROBES],
            targets=(Target("floor_ratio", 0.3),),
            writes=True,
        ),
        Scenario(
            "review", "One review, rating (API)", ratings[PROBES:], ratings[:PROBES], writes=True
        ),
    ]


def hello_scenario() -> Scenario:
    hello = [HttpRequest("GET", "/")]
    return Scenario("hello", "Bare Flask hello world", hello, hello * PROBES)


def floor_scenario(cookies: list[str]) -> Scenario:
    """The floor reference's page (bench/floor.py), logged in as the web learners in turn."""
    pages = [HttpRequest("GET", "/", _cookie(cookie)) for cookie in cookies]
    return Scenario("floor", "Floor: login, CSRF, Babel, base layout", pages, pages[:1] * PROBES)
