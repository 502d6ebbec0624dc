"""Column types shared by the models (timezone-aware UTC datetimes on every database), and
the fixed names that queries write into their SQL."""

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa


class UTCDateTime(sa.types.TypeDecorator):
    """Stores naive UTC and always hands back aware UTC, because SQLite drops offsets
    and fsrs refuses naive datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def names_in_sql(names: Iterable[str]) -> list[sa.ColumnElement]:
    """Fixed names (the registry's question types, the staff roles) as constants of a
    statement, for an IN: a bound list is an expanding parameter, rendered into the SQL
    again and converted value by value on every execution. Only plain identifiers are
    written into SQL."""
    constants = []
    for name in sorted(names):
        if not name.isidentifier():
            raise ValueError(f"{name!r} is not a plain name")
        constants.append(sa.literal_column(f"'{name}'", sa.String))
    return constants
