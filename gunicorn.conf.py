"""gunicorn's settings for QuizApp, read from the working directory (`gunicorn
"quizapp:create_app()"` run at the repository root, as README and `make bench` do).

After a worker has built the app, everything it holds (modules, the app, compiled
templates, routes) lives as long as the worker: `gc.freeze()` moves it out of the
collector's reach. Without it every full collection walks those objects again, which a
large page's allocations (the instructor dashboard) trigger every few requests at tens of
milliseconds each; frozen, only the requests' own objects are scanned. It also keeps the
pages of those objects from being written by the collector's bookkeeping."""

import gc


def post_worker_init(worker) -> None:
    gc.freeze()
