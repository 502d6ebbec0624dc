"""The templates' csrf_token(): Flask-WTF's signed token, signed once per worker for each
session's token instead of on every page.

Flask-WTF signs the session's token afresh for each request (a serializer built, an HMAC,
a timestamp: about as much as decoding the session cookie) although, without a time
limit, any of its signatures of that token is as good as another: validate_csrf checks
the signature with the secret key and compares the token with the session's. So the
signature made for a session's token is kept and given to its later pages. With a time
limit the timestamp matters and each page is signed as Flask-WTF signs it."""

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

from quizapp.kept import KeptValues

# A token per signed-in browser, as quizapp.auth.session_cookie keeps its cookie.
KEPT_TOKENS = 1024
_signed: KeptValues[str] = KeptValues(KEPT_TOKENS)


def csrf_token() -> str:
    """generate_csrf's token for this request (its own `g` entry, which a form built in
    the request reads and writes too), signed once per secret key and session token."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    signed = g.get(field)
    if signed is not None:
        return signed
    token = session.get(field)
    if not isinstance(token, str) or config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None:
        return generate_csrf()  # a new session token (or a dated signature) is Flask-WTF's
    secret = config.get("WTF_CSRF_SECRET_KEY", current_app.secret_key)
    signed = _signed.get((secret, token), generate_csrf)
    setattr(g, field, signed)
    return signed
