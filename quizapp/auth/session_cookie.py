"""Flask's signed session cookie, decoded once per worker for as long as it is sent.

A browser sends the same cookie on every page until the session changes, and decoding it
(HMAC check, base64, zlib, tagged JSON) was a few percent of a light page; so the worker
keeps what a cookie decoded to, by the cookie's text, beside the keys that verified it.
Only a verified cookie is kept, its age is checked again on every use (as itsdangerous
checks it), and every request gets a session of its own."""

import copy
import time
from collections.abc import Hashable

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

from quizapp.kept import KeptValues

# A cookie per signed-in browser: enough for a worker's active users, at a few hundred
# bytes each; beyond it the least recently seen is decoded again.
KEPT_COOKIES = 1024
# Per secret key (and fallbacks): a rotated key starts afresh.
KEPT_KEYS = 4

# A session holding only these needs no copy per request (Flask-Login's ids, the CSRF
# token, the language); anything else (a flash list) is copied, being mutable.
_SCALARS = (str, int, float, bool, type(None))


class Decoded:
    """What a verified cookie holds and when it was signed (whole seconds, as signed)."""

    __slots__ = ("data", "flat", "signed_at")

    def __init__(self, data: dict, signed_at: int):
        self.data, self.signed_at = data, signed_at
        self.flat = all(isinstance(value, _SCALARS) for value in data.values())


class KeptSessionInterface(SecureCookieSessionInterface):
    """SecureCookieSessionInterface with its signing serializer built once per key set
    (Flask builds one per request, twice when the session is saved) and its decoded
    cookies kept. Cookies it writes and reads are Flask's own."""

    def __init__(self) -> None:
        self._by_keys: KeptValues[tuple[URLSafeTimedSerializer, KeptValues[Decoded]]] = KeptValues(
            KEPT_KEYS
        )

    def _signing(self, app: Flask) -> tuple[URLSafeTimedSerializer, KeptValues[Decoded]] | None:
        if not app.secret_key:
            return None
        keys: Hashable = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        return self._by_keys.get(
            keys,
            lambda: (
                super(KeptSessionInterface, self).get_signing_serializer(app),
                KeptValues(KEPT_COOKIES),
            ),
        )

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        signing = self._signing(app)
        return signing[0] if signing else None

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        signing = self._signing(app)
        if signing is None:
            return None
        serializer, decoded = signing
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            kept = decoded.get(value, lambda: _verified(serializer, value, max_age))
        except BadSignature:
            return self.session_class()
        if not 0 <= int(time.time()) - kept.signed_at <= max_age:
            return self.session_class()  # expired since it was kept, as itsdangerous says
        return self.session_class(kept.data if kept.flat else copy.deepcopy(kept.data))


def _verified(serializer: URLSafeTimedSerializer, value: str, max_age: int) -> Decoded:
    data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
    return Decoded(data, int(signed_at.timestamp()))
