"""Response hardening, the rule for where `next` may send a user, and what text no
database can store."""

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from flask import Response, current_app

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def safe_next_path(target: str | None) -> str | None:
    """Accepts only a path on this site. Browsers treat backslashes as slashes and drop
    tabs/newlines inside URLs, so `/\\evil`, `//evil` and `java\\nscript:` are refused."""
    if not target or len(target) > 2048:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target) or "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


# Half of a UTF-16 surrogate pair: JSON can escape one ("\ud800"), but it is not text and
# no database encodes it. NUL: PostgreSQL can neither store nor compare it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable_text_problem(text: str) -> str | None:
    """Why `text` cannot be stored (English), or None when it can."""
    if "\x00" in text:
        return "Strings must not contain NUL characters."
    if not text.isascii() and _LONE_SURROGATE.search(text):
        return "Strings must be valid Unicode text."
    return None


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included; iterative, so deep nesting is safe."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
