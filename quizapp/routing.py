"""URL converters that only match values the database can hold, so impossible ids and
slugs are a 404 before any query (PostgreSQL rejects NUL characters in text and
integers beyond its column's range with an error, not an empty result)."""

from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

LARGEST_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


class SlugConverter(UnicodeConverter):
    def to_python(self, value: str) -> str:
        if "\x00" in value:
            raise ValidationError()  # this rule does not match: a 404
        return value


CONVERTERS = {"int": DatabaseIdConverter, "default": SlugConverter, "string": SlugConverter}
