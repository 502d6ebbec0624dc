"""Values a worker keeps between requests: each is built once from a key that must name
everything it is made from (an edit then makes a new key, never a stale hit), and the
least recently used goes beyond the store's bound. The quiz and review form classes, the
rendered answer fields, the layout's fixed blocks and the charts' day labels use it."""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class KeptValues(Generic[Value]):
    def __init__(self, limit: int):
        self.limit = limit
        self._values: OrderedDict[Hashable, Value] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        """The value kept under `key`, or the one `make` builds, then kept."""
        try:
            self._values.move_to_end(key)
            return self._values[key]
        except KeyError:
            value = self._values[key] = make()
            if len(self._values) > self.limit:
                self._values.popitem(last=False)
            return value

    def __len__(self) -> int:
        return len(self._values)
