"""Rows read with Core as the session's persistent instances: what a page reads on every
view (the user, the lesson with its course) skips the ORM's loading machinery, which costs
more than the statement, and still hands views and services the real model, whose changes
flush as before.

Only for reads that nothing pending can change: a Core statement does not autoflush, so
these run first in a request (the user loader, the course check of a lesson page)."""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.attributes import set_committed_value


class Attached:
    """`columns`: the model's table columns, to select; calling it with a session and
    the values of those columns (in that order) answers the instance."""

    def __init__(self, model: type):
        self.model = model
        self.columns = tuple(model.__table__.c)
        self._keys = tuple(column.key for column in self.columns)
        (primary,) = sa.inspect(model).primary_key
        self._primary = self._keys.index(primary.key)
        self._manager = sa.inspect(model).class_manager

    def __call__(self, session: so.Session, values: Sequence):
        """The session's instance of that identity if it has one (its expired attributes
        filled from `values`, as a load would), or a new persistent one, made as the ORM
        makes an instance it loads: no constructor, whose attribute events cost more than
        the rest of this (the values count as loaded, not as changes)."""
        if isinstance(session, so.scoped_session):
            session = session()  # the request's Session, not a proxy per attribute
        key = session.identity_key(self.model, values[self._primary])
        known = session.identity_map.get(key)
        if known is not None:
            expired = sa.inspect(known).expired_attributes
            for name, value in zip(self._keys, values, strict=True):
                if name in expired:
                    set_committed_value(known, name, value)
            return known
        instance = self._manager.new_instance()
        instance.__dict__.update(zip(self._keys, values, strict=True))
        so.make_transient_to_detached(instance)
        session.add(instance)
        return instance
