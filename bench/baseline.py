"""The figures before issue #20 (BENCHMARKS.md of 2026-11-25, the same machine and data
set), so every run prints before and after side by side and checks the 3× asked for.
Then, due_queue and due_queue_api were measured at 2 connections, the others at 8."""

BEFORE_RUN = "the 2026-11-25 run (before issue #20)"

BEFORE: dict[str, dict[str, float]] = {
    "sqlite": {
        "lesson": 198.5,
        "quiz": 80.2,
        "due_queue": 93.2,
        "due_queue_api": 103.3,
        "learner_dashboard": 82.4,
        "submit": 52.3,
    },
    "postgresql": {
        "lesson": 244.1,
        "quiz": 131.4,
        "due_queue": 126.0,
        "due_queue_api": 128.2,
        "learner_dashboard": 117.2,
        "submit": 67.9,
    },
}
