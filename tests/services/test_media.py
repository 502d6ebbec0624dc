"""store_media: checked files are kept once, named by their hash, listed per course; a
refused file leaves no row and no file behind."""

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Course, Media
from quizapp.models.types import utcnow
from quizapp.services import media as media_service
from quizapp.services.media import MediaRefused, media_path, read_media, store_media
from tests import media_files as files


@pytest.fixture
def course(app):
    course = Course(slug="curso-media", title="Curso con imágenes")
    db.session.add(course)
    db.session.flush()
    return course


def _files(folder) -> list:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def test_an_image_is_stored_under_its_hash_and_listed_for_the_course(course, tmp_path):
    media = store_media(
        db.session, course, files.png(), "logo.png", media_dir=tmp_path, now=utcnow()
    )
    assert media.name.endswith(".png")
    assert len(media.name) == 68
    assert (media.kind, media.content_type, media.width, media.height) == (
        "image",
        "image/png",
        40,
        30,
    )
    assert media.original_name == "logo.png"
    stored = media_path(tmp_path, media.name)
    assert stored == tmp_path / media.name[:2] / media.name[2:4] / media.name
    assert read_media(tmp_path, media.name) == stored.read_bytes()
    assert media.size == stored.stat().st_size
    assert media_service.course_media(db.session, course) == [media]


def test_storing_the_same_bytes_again_returns_the_same_row(course, tmp_path):
    first = store_media(db.session, course, files.png(), "a.png", media_dir=tmp_path, now=utcnow())
    again = store_media(db.session, course, files.png(), "b.png", media_dir=tmp_path, now=utcnow())
    assert again.id == first.id
    assert len(_files(tmp_path)) == 1


def test_two_courses_share_one_file_and_have_a_row_each(course, tmp_path):
    other = Course(slug="otro", title="Otro")
    db.session.add(other)
    db.session.flush()
    one = store_media(db.session, course, files.png(), "x.png", media_dir=tmp_path, now=utcnow())
    two = store_media(db.session, other, files.png(), "x.png", media_dir=tmp_path, now=utcnow())
    assert one.name == two.name
    assert one.id != two.id
    assert len(_files(tmp_path)) == 1
    assert {c.slug for c in media_service.courses_holding(db.session, one.name)} == {
        "curso-media",
        "otro",
    }


@pytest.mark.parametrize(
    "data",
    [files.SVG, files.HTML_AS_PNG, files.truncated_png(), files.pixel_bomb(), b""],
    ids=["svg", "html-as-png", "truncated", "bomb", "empty"],
)
def test_a_refused_file_writes_nothing(course, tmp_path, data):
    with pytest.raises(MediaRefused):
        store_media(db.session, course, data, "x.png", media_dir=tmp_path, now=utcnow())
    assert _files(tmp_path) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Media)) == 0


def test_an_oversized_file_is_refused_with_the_cap_given(course, tmp_path):
    with pytest.raises(MediaRefused) as refused:
        store_media(
            db.session, course, files.png(), "x.png", media_dir=tmp_path, now=utcnow(), max_bytes=10
        )
    assert refused.value.code == "too_large"
    assert _files(tmp_path) == []


def test_the_uploaded_name_is_only_a_label_never_a_path(course, tmp_path):
    media = store_media(
        db.session,
        course,
        files.png(),
        "../../etc/passwd\x00.png",
        media_dir=tmp_path,
        now=utcnow(),
    )
    assert media.original_name == "passwd.png"
    assert [path.parent.parent.parent for path in _files(tmp_path)] == [tmp_path]


@pytest.mark.parametrize(
    "name", ["../x.png", "a" * 64 + ".svg", "A" * 64 + ".png", "a" * 64 + ".png/../../x", ""]
)
def test_media_path_refuses_anything_but_a_stored_name(tmp_path, name):
    with pytest.raises(ValueError, match="not a stored media name"):
        media_path(tmp_path, name)


def test_audio_is_stored_without_its_tag(course, tmp_path):
    media = store_media(
        db.session, course, files.mp3(), "hola.mp3", media_dir=tmp_path, now=utcnow()
    )
    assert (media.kind, media.content_type) == ("audio", "audio/mpeg")
    assert read_media(tmp_path, media.name) == files.MP3_FRAME * 6
