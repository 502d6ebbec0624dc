"""JSON responses through orjson, Flask's documented extension point for another JSON
library (app.json_provider_class). The output is what Flask's default provider gives —
sorted keys, compact, dates as HTTP dates, dataclasses as dicts, Markup as its text — but
serialized in C, several times faster for the API's lists of cards and questions. Reading
request bodies stays with the standard library, whose handling of odd escapes (a lone
surrogate) the API's validation relies on; anything orjson refuses (an integer beyond
64 bits) falls back to the standard library too."""

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


class FastJSONProvider(DefaultJSONProvider):
    def _fast(self, obj: Any, newline: bool) -> bytes | None:
        try:
            return orjson.dumps(
                obj,
                default=self.default,
                option=_OPTIONS | (orjson.OPT_APPEND_NEWLINE if newline else 0),
            )
        except orjson.JSONEncodeError:
            return None

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if not kwargs:  # keyword arguments ask for the standard library's options
            fast = self._fast(obj, newline=False)
            if fast is not None:
                return fast.decode()
        return super().dumps(obj, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        pretty = (self.compact is None and self._app.debug) or self.compact is False
        if not pretty:
            fast = self._fast(self._prepare_response_obj(args, kwargs), newline=True)
            if fast is not None:
                return self._app.response_class(fast, mimetype=self.mimetype)
        return super().response(*args, **kwargs)
