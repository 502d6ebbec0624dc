"""One side of `python -m bench.ab`: run as a script with a source tree as its argument, it
imports QuizApp from that tree (not from the installed one) and answers JSON-line commands
on stdin: log in, send requests in-process and time each (wall and CPU), or profile them.
With `floor` as its second argument it serves the floor reference (bench/floor.py) instead."""

import cProfile
import gc
import io
import json
import pstats
import re
import sys
import time

sys.path[0] = sys.argv[1]  # the tree under test, ahead of the editable install

USER_AGENT = "quizapp-bench/1"  # as bench.load: session protection checks it
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _cookies(response, jar: dict[str, str]) -> None:
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def _header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items() if value)


class Worker:
    def __init__(self, floor: bool = False):
        if floor:
            from bench.floor import app

            self.app = app
            self.origin = "bench/floor.py"
        else:
            import quizapp

            self.app = quizapp.create_app()
            self.origin = quizapp.__file__
        self.client = self.app.test_client(use_cookies=False)
        self.overridden: dict = {}  # the settings `configure` changed, as they were

    def send(self, method: str, path: str, headers: dict, body: str | None = None, **form):
        kwargs = {"method": method, "headers": {"User-Agent": USER_AGENT, **headers}}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        elif form:
            kwargs.update(data=form)
        return self.client.open(path, base_url="https://localhost", **kwargs)

    def login(self, email: str, password: str) -> str:
        jar: dict[str, str] = {}
        page = self.send("GET", "/auth/login", {})
        _cookies(page, jar)
        token = _CSRF.search(page.get_data(as_text=True)).group(1)
        posted = self.send(
            "POST",
            "/auth/login",
            # Flask-WTF checks the Referer of an HTTPS form post.
            {"Cookie": _header(jar), "Referer": "https://localhost/auth/login"},
            email=email,
            password=password,
            csrf_token=token,
            next="",
        )
        if posted.status_code != 302:
            raise RuntimeError(f"login as {email} answered {posted.status_code}")
        _cookies(posted, jar)
        _cookies(self.send("GET", "/", {"Cookie": _header(jar)}), jar)
        return _header(jar)

    def floor_login(self, user_id: int) -> str:
        """The floor reference's own way in (GET /login/<id>)."""
        jar: dict[str, str] = {}
        _cookies(self.send("GET", f"/login/{user_id}", {}), jar)
        return _header(jar)

    def start_quiz(self, cookie: str, path: str) -> None:
        """As bench.sessions.start_quiz: the attempt is started by the button's POST."""
        page = self.send("GET", path, {"Cookie": cookie}).get_data(as_text=True)
        if f'action="{path}/new"' not in page:
            return
        token = _CSRF.search(page).group(1)
        headers = {"Cookie": cookie, "Referer": f"https://localhost{path}"}
        posted = self.send("POST", f"{path}/new", headers, csrf_token=token)
        if posted.status_code != 302:
            raise RuntimeError(f"starting {path} answered {posted.status_code}")

    def configure(self, overrides: dict) -> None:
        """The app's own settings with these overrides, for the next requests (the driver
        names them: an uncached scenario turns the caches off)."""
        self.app.config.update(self.overridden)
        self.overridden = {name: self.app.config.get(name) for name in overrides}
        self.app.config.update(overrides)

    def run(self, requests: list[dict], expect: list[int], config: dict) -> list[dict]:
        self.configure(config)
        times = []
        for request in requests:
            wall, cpu = time.perf_counter(), time.process_time()
            response = self.send(
                request["method"], request["path"], request["headers"], request["body"]
            )
            response.get_data()
            times.append(
                {
                    "wall": (time.perf_counter() - wall) * 1000,
                    "cpu": (time.process_time() - cpu) * 1000,
                    "ok": response.status_code in expect,
                }
            )
        return times

    def profile(self, requests: list[dict], config: dict, limit: int) -> str:
        """cProfile over the requests: the app's own functions by cumulative time, then
        every function by its own time."""
        self.configure(config)
        profiler = cProfile.Profile()
        profiler.enable()
        for request in requests:
            response = self.send(
                request["method"], request["path"], request["headers"], request["body"]
            )
            response.get_data()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        out.write(f"{len(requests)} requests\n")
        stats.sort_stats("cumulative").print_stats(r"quizapp/|templates/", limit)
        stats.sort_stats("tottime").print_stats(limit)
        return out.getvalue()


def main() -> int:
    worker = None
    for line in sys.stdin:
        command = json.loads(line)
        try:
            if worker is None:
                worker = Worker(floor=sys.argv[2:] == ["floor"])
                # As gunicorn.conf.py does once a worker has built the app (every server
                # of `make bench` reads it, the references' too).
                gc.freeze()
            if command["op"] == "hello":
                answer = {"quizapp": worker.origin}
            elif command["op"] == "start":
                worker.start_quiz(command["cookie"], command["path"])
                answer = {}
            elif command["op"] == "floor_login":
                answer = {"cookie": worker.floor_login(command["user_id"])}
            elif command["op"] == "profile":
                answer = {
                    "text": worker.profile(command["requests"], command["config"], command["limit"])
                }
            elif command["op"] == "login":
                answer = {"cookie": worker.login(command["email"], command["password"])}
            else:
                answer = {
                    "times": worker.run(command["requests"], command["expect"], command["config"])
                }
        except Exception as error:  # reported to the driver, which stops
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
