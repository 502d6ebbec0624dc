"""Bad files through the import page: a zip bomb, a path that climbs out, a corrupted
collection, XML entities and oversized media are each refused with a message naming the
problem, and nothing is written — no question, no media row, no file, no pending upload."""

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Media, Question
from tests.conftest import csrf_token_from
from tests.domain.test_anki_package import _collection, _package, legacy_package
from tests.domain.test_moodle_xml import BILLION_LAUGHS, EXTERNAL_ENTITY
from tests.media_files import png
from tests.services.test_import_media import moodle_xml

PATH = "/instructor/courses/curso-flask/import"
MAX_MEDIA = 80  # bytes: the package's image (101 bytes) and the XML's are larger


def _damaged_collection() -> bytes:
    damaged = bytearray(_collection())
    damaged[120:4000] = b"\xff" * (4000 - 120)
    return bytes(damaged)


BAD_FILES = {
    "zip bomb": (
        "bomb.apkg",
        _package({"collection.anki2": _collection(), "padding": b"\x00" * (32 * 1024 * 1024)}),
        "compressed suspiciously well",
    ),
    "path with ..": (
        "climb.apkg",
        _package({"collection.anki2": _collection(), "../evil": b"x"}),
        "../evil",
    ),
    "corrupted SQLite": (
        "damaged.apkg",
        _package({"collection.anki2": _damaged_collection()}),
        "collection.anki2",
    ),
    "XML entities": ("laughs.xml", BILLION_LAUGHS, "refused"),
    "XML external entity": ("secret.xml", EXTERNAL_ENTITY, "refused"),
    "oversized package media": (
        "big.apkg",
        legacy_package(),
        "media:dog.png: 101 bytes, over the 80-byte limit for media",
    ),
    "oversized embedded file": (
        "big.xml",
        moodle_xml({"big.png": png(size=(300, 300), colour=(1, 2, 3))}),
        "over the 80-byte limit for media",
    ),
}


@pytest.fixture
def app_config(tmp_path):
    return {
        "IMPORT_UPLOAD_DIR": str(tmp_path / "uploads"),
        "MEDIA_DIR": str(tmp_path / "media"),
        "MEDIA_MAX_BYTES": MAX_MEDIA,
    }


def _files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_its_reason_and_writes_nothing(
    app, client, login_as, bundled_course, tmp_path, case
):
    filename, data, reason = BAD_FILES[case]
    login_as("instructor")
    questions = db.session.scalar(sa.select(sa.func.count()).select_from(Question))
    page = client.get(PATH).get_data(as_text=True)
    form = {"csrf_token": csrf_token_from(page), "format": "auto", "lesson": "clase-1-introduccion"}
    form["file"] = (io.BytesIO(data), filename)
    response = client.post(PATH, data=form, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was imported" in html
    problems = re.findall(r"<li>([^<]*)</li>", html.split("alert-danger", 1)[1].split("</div>")[0])
    assert problems, html
    assert all(problem.startswith(f"{filename}:") for problem in problems), problems
    assert any(reason in problem.replace("&#39;", "'") for problem in problems), problems
    assert 'name="token"' not in html  # nothing kept to confirm
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == questions
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Media)) == 0
    assert _files(tmp_path / "media") == []
    assert _files(tmp_path / "uploads") == []
