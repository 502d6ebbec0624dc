"""Logged-in session cookies for the HTML scenarios, obtained as a browser does: the login
form (CSRF token from the page), then one page so the session holds its CSRF token and
stays unchanged afterwards.

Cookies are carried by hand: the production config marks them Secure, which an HTTP
client would otherwise refuse to send back over plain http://127.0.0.1."""

import re

import requests

from bench.load import USER_AGENT

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _set_cookies(response: requests.Response, jar: dict[str, str]) -> None:
    for header in response.raw.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items() if value)


def login(base_url: str, email: str, password: str) -> str:
    """The Cookie header of a session logged in as `email`."""
    jar: dict[str, str] = {}
    with requests.Session() as http:
        http.headers["User-Agent"] = USER_AGENT
        page = http.get(f"{base_url}/auth/login", allow_redirects=False, timeout=30)
        _set_cookies(page, jar)
        token = _CSRF.search(page.text)
        if token is None:
            raise RuntimeError("no CSRF token on the login page")
        posted = http.post(
            f"{base_url}/auth/login",
            data={"email": email, "password": password, "csrf_token": token.group(1), "next": ""},
            headers={"Cookie": _cookie_header(jar)},
            allow_redirects=False,
            timeout=30,
        )
        if posted.status_code != 302:
            raise RuntimeError(f"login as {email} answered {posted.status_code}, not 302")
        _set_cookies(posted, jar)
        home = http.get(
            f"{base_url}/",
            headers={"Cookie": _cookie_header(jar)},
            allow_redirects=False,
            timeout=30,
        )
        _set_cookies(home, jar)
    return _cookie_header(jar)


def start_quiz(base_url: str, cookie: str, quiz_path: str) -> None:
    """Starts the learner's attempt as the quiz page's button does: a POST, since a GET
    never starts one. Without it the quiz scenario would measure the "Take the quiz" page,
    not the form of an attempt in progress."""
    headers = {"User-Agent": USER_AGENT, "Cookie": cookie}
    page = requests.get(base_url + quiz_path, headers=headers, allow_redirects=False, timeout=30)
    start = f'action="{quiz_path}/new"'
    if page.status_code != 200 or start not in page.text:
        return  # an attempt is in progress already (or the page is checked later)
    token = _CSRF.search(page.text)
    if token is None:
        raise RuntimeError(f"no CSRF token on {quiz_path}")
    posted = requests.post(
        f"{base_url}{quiz_path}/new",
        data={"csrf_token": token.group(1)},
        headers=headers,
        allow_redirects=False,
        timeout=30,
    )
    if posted.status_code != 302:
        raise RuntimeError(f"starting {quiz_path} answered {posted.status_code}, not 302")


def floor_login(base_url: str, user_id: int) -> str:
    """The Cookie header of a session of the floor reference (bench/floor.py) as `user_id`,
    after one page so the session also holds its CSRF token."""
    jar: dict[str, str] = {}
    with requests.Session() as http:
        http.headers["User-Agent"] = USER_AGENT
        _set_cookies(
            http.get(f"{base_url}/login/{user_id}", allow_redirects=False, timeout=30), jar
        )
        page = http.get(
            f"{base_url}/",
            headers={"Cookie": _cookie_header(jar)},
            allow_redirects=False,
            timeout=30,
        )
        if page.status_code != 200:
            raise RuntimeError(f"the floor reference answered {page.status_code} once logged in")
        _set_cookies(page, jar)
    return _cookie_header(jar)


def check(
    base_url: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: str | None,
    expect: tuple[int, ...],
) -> int:
    """Sends one request like wrk will; raises unless the status is expected (a lost
    session would show up as a 302 to the login page, not as an error)."""
    response = requests.request(
        method,
        base_url + path,
        data=body,
        allow_redirects=False,
        timeout=60,
        headers={
            "User-Agent": USER_AGENT,
            **headers,
            **({"Content-Type": "application/json"} if body is not None else {}),
        },
    )
    if response.status_code not in expect:
        location = response.headers.get("Location", "")
        raise RuntimeError(
            f"{method} {path} answered {response.status_code} {location} "
            f"(expected {expect}): {response.text[:300]}"
        )
    return response.status_code
