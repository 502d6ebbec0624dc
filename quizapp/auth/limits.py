"""The login budget: one per client address and one per account, spent alike by the login
form and `POST /api/v1/tokens`, so a guesser gains nothing by switching between them."""

from collections.abc import Callable

from flask import current_app

from quizapp.extensions import limiter
from quizapp.services.accounts import normalise_email


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_budget(requested_email: Callable[[], str | None]) -> Callable[[Callable], Callable]:
    """Decorates a view that checks a password; `requested_email` reads the email the
    request names (the key is the normalised email, whatever the route)."""

    def account_key() -> str:
        email = requested_email()
        return "login:" + (normalise_email(email) if isinstance(email, str) else "")

    def decorator(view: Callable) -> Callable:
        view = limiter.shared_limit(
            login_limit, scope="login-account", key_func=account_key, methods=["POST"]
        )(view)
        return limiter.shared_limit(login_limit, scope="login-address", methods=["POST"])(view)

    return decorator
