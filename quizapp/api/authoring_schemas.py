"""JSON Schemas of authoring: importing a question file and uploading media."""

from quizapp.api.schemas import BOOLEAN, INTEGER, MAX_ID, STRING, array, nullable, obj, text
from quizapp.domain.formats.registry import importable

# The formats table's importable rows (a binary one only as a multipart upload).
FORMATS = [fmt.name for fmt in importable()]


LESSON_KEY = {
    "anyOf": [text(160, 1), {"type": "integer", "minimum": 0, "maximum": MAX_ID}],
    "description": "lesson slug or number; every question of the file goes there",
}


IMPORT_JSON_REQUEST = obj(
    {
        "format": {"enum": FORMATS},
        "text": text(4 * 1024 * 1024),
        "lesson": LESSON_KEY,
        "filename": text(200, 1),
        "dry_run": BOOLEAN,
        "categories": {
            "type": "object",
            "additionalProperties": text(160, 1),
            "maxProperties": 500,
            "description": "a lesson (number, slug or title) for each file category (its "
            "path or last part) whose name is not one of the course's lessons; without "
            "`lesson`, every other question goes to the lesson its category names",
        },
    },
    required=["format", "text"],
    additionalProperties=False,
)


IMPORT_MULTIPART_REQUEST = obj(
    {
        "file": {"type": "string", "format": "binary"},
        "format": {"enum": FORMATS},
        "lesson": text(160, 1),
        "dry_run": {"enum": ["true", "false"]},
        "categories": text(
            5000, description="`CATEGORY=LESSON` lines, as the JSON body's `categories`"
        ),
    },
    required=["file"],
)


IMPORT_RESULT = obj(
    {
        "filename": STRING,
        "format": {"enum": FORMATS},
        "applied": BOOLEAN,
        "created": array(STRING),
        "updated": array(STRING),
        "unchanged": array(STRING),
        "kept": array(STRING),
        "unsupported": array(STRING),
        "warnings": array(STRING),
        "summary": STRING,
    }
)


MEDIA_MULTIPART_REQUEST = obj(
    {
        "file": {"type": "string", "format": "binary"},
        "alt": text(300, 1, description="what learners who cannot see (or hear) it read"),
    },
    required=["file", "alt"],
)


MEDIA_STORED = obj(
    {
        "name": STRING,
        "url": STRING,
        "markdown": STRING,
        "kind": {"enum": ["image", "audio"]},
        "content_type": STRING,
        "size": INTEGER,
        "width": nullable(INTEGER),
        "height": nullable(INTEGER),
    }
)
