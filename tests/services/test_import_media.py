"""Files that travel inside question files: Moodle XML's base64 `<file>` with its
`@@PLUGINFILE@@` references and an Anki package's media are checked while planning, stored
as course media when applied (references pointing at the stored names), refused per
question when they do not decode, and written back by the exports that carry files."""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import current_app

from quizapp.domain.formats.registry import FORMATS
from quizapp.domain.media_refs import STORED_NAME, referenced_targets
from quizapp.extensions import db
from quizapp.models import Course, Lesson, Media, Question
from quizapp.services.bank_export import export_course_file
from quizapp.services.bank_import import apply_import, plan_import
from quizapp.services.media import media_path, store_media
from quizapp.services.memberships import create_course
from quizapp.services.source_media import strings_of
from tests.domain.test_anki_package import legacy_package
from tests.factories import make_course, make_learner
from tests.media_files import png

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def moodle_xml(files: dict[str, bytes], idnumber: str = "logo-q", alt: str = "Logo") -> bytes:
    embedded = "".join(
        f'<file name="{name}" path="/" encoding="base64">{base64.b64encode(data).decode()}</file>'
        for name, data in files.items()
    )
    # Moodle names the file as it is and URL-encodes the name in the reference.
    images = "".join(f'<img src="@@PLUGINFILE@@/{quote(name)}" alt="{alt}">' for name in files)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>Logo</text></name>
    <questiontext format="html"><text><![CDATA[<p>¿Es el logo de Flask? {images}</p>]]></text>
      {embedded}
    </questiontext>
    <idnumber>{idnumber}</idnumber>
    <answer fraction="100" format="moodle_auto_format"><text>true</text></answer>
    <answer fraction="0" format="moodle_auto_format"><text>false</text></answer>
  </question>
</quiz>
""".encode()


def _course(slug: str = "media-course") -> Course:
    return db.session.scalar(sa.select(Course).where(Course.slug == slug))


def _lesson(course: Course) -> Lesson:
    return db.session.scalar(sa.select(Lesson).where(Lesson.course_id == course.id))


def _media_dir() -> str:
    return current_app.config["MEDIA_DIR"]


def _import(course: Course, data: bytes, filename: str):
    plan = plan_import(db.session, course, _lesson(course), data, filename)
    if plan.ok:
        apply_import(db.session, plan, media_dir=_media_dir(), now=NOW)
        db.session.commit()
    return plan


def _question(course: Course, external_id: str) -> Question:
    return db.session.scalar(
        sa.select(Question).where(
            Question.course_id == course.id, Question.external_id == external_id
        )
    )


def test_a_moodle_embedded_image_is_stored_and_the_prompt_points_at_it(app):
    course = make_course(db.session, slug="media-course", questions_per_lesson=0)
    image = png(colour=(10, 200, 30))
    plan = _import(course, moodle_xml({"logo flask.png": image}), "quiz.xml")
    assert plan.errors == []
    question = _question(course, "logo-q")
    [target] = referenced_targets(question.prompt_md)
    assert STORED_NAME.fullmatch(target)
    assert "@@PLUGINFILE@@" not in question.prompt_md
    media = db.session.scalar(sa.select(Media).where(Media.course_id == course.id))
    assert (media.name, media.kind, media.content_type) == (target, "image", "image/png")
    assert media_path(_media_dir(), target).is_file()
    # The same file imported again is the same stored file: nothing changes.
    again = _import(course, moodle_xml({"logo flask.png": image}), "quiz.xml")
    assert again.unchanged == ["logo-q"]
    assert db.session.scalar(sa.select(sa.func.count(Media.id))) == 1


def test_a_file_that_does_not_decode_is_reported_at_its_question_and_nothing_is_imported(app):
    course = make_course(db.session, slug="media-course", questions_per_lesson=0)
    data = moodle_xml({"good.png": png(), "broken.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 40})
    plan = _import(course, data, "quiz.xml")
    assert plan.errors == [
        "quiz.xml:3: logo-q: media:broken.png: not an accepted image or sound (not accepted)"
    ]
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Media.id))) == 0


def test_an_anki_packages_media_are_stored_with_its_notes(app):
    course = make_course(db.session, slug="media-course", questions_per_lesson=0)
    plan = _import(course, legacy_package(), "deck.apkg")
    assert plan.errors == []
    stored = db.session.scalars(sa.select(Media.name).where(Media.course_id == course.id)).all()
    assert len(stored) == 1
    prompts = " ".join(q.prompt_md for q in db.session.scalars(sa.select(Question)))
    assert f"(media:{stored[0]})" in prompts
    assert "media:dog.png" not in prompts


def test_moodle_xml_export_embeds_the_used_media_and_imports_back_the_same(app):
    course = make_course(db.session, slug="media-course", questions_per_lesson=0)
    _import(course, moodle_xml({"logo.png": png()}), "quiz.xml")
    stored = _question(course, "logo-q").prompt_md
    [name] = referenced_targets(stored)

    exported = export_course_file(db.session, course, "moodle-xml", _media_dir())
    xml = exported.data.decode()
    assert f'<file name="{name}" encoding="base64">' in xml
    assert f"@@PLUGINFILE@@/{name}" in xml
    assert f"media:{name}" not in xml

    owner = make_learner(db.session, "owner@example.org", role="instructor")
    other = create_course(db.session, "copia", "Copia", owner, NOW)
    db.session.add(Lesson(course=other, number=1, slug="clase-1", title="Clase 1"))
    db.session.flush()
    plan = plan_import(db.session, other, _lesson(other), exported.data, "export.xml")
    assert plan.errors == []
    apply_import(db.session, plan, media_dir=_media_dir(), now=NOW)
    db.session.commit()
    assert _question(other, "logo-q").prompt_md == stored
    assert db.session.scalar(sa.select(Media.name).where(Media.course_id == other.id)) == name


def test_an_apkg_export_packs_the_used_media(app):
    course = make_course(db.session, slug="media-course", questions_per_lesson=0)
    _import(course, moodle_xml({"logo.png": png()}), "quiz.xml")
    [name] = referenced_targets(_question(course, "logo-q").prompt_md)
    exported = export_course_file(db.session, course, "apkg", _media_dir())
    with zipfile.ZipFile(io.BytesIO(exported.data)) as package:
        assert name in package.read("media").decode()


def test_the_import_report_lists_images_without_a_description(app):
    course = make_course(db.session, slug="media-course", questions_per_lesson=0)
    described = plan_import(
        db.session, course, _lesson(course), moodle_xml({"logo.png": png()}), "quiz.xml"
    )
    assert described.warnings == []
    plan = plan_import(
        db.session, course, _lesson(course), moodle_xml({"logo.png": png()}, alt=""), "quiz.xml"
    )
    assert plan.ok  # a warning, not an error: the import may go ahead
    [name] = plan.media
    assert plan.warnings == [
        f"quiz.xml:3: logo-q: an image or a sound has no description (alt text): {name}"
    ]


def _copy_course() -> Course:
    owner = make_learner(db.session, "owner@example.org", role="instructor")
    other = create_course(db.session, "copia", "Copia", owner, NOW)
    db.session.add(Lesson(course=other, number=1, slug="clase-1", title="Clase 1"))
    db.session.flush()
    return other


# Formats that carry the files themselves; the others name them (`media:<stored name>`).
CARRY_FILES = {"moodle-xml", "apkg"}


@pytest.mark.parametrize("fmt", [f.name for f in FORMATS if f.parse and f.write])
def test_every_format_moves_a_question_with_an_image_to_another_course(app, fmt):
    course = make_course(db.session, slug="media-course", questions_per_lesson=0)
    image = png(colour=(200, 10, 30))
    _import(course, moodle_xml({"logo.png": image}), "quiz.xml")
    [name] = referenced_targets(_question(course, "logo-q").prompt_md)
    exported = export_course_file(db.session, course, fmt, _media_dir())
    other = _copy_course()
    plan = plan_import(db.session, other, _lesson(other), exported.data, exported.filename)
    assert plan.errors == []
    [item] = plan.items  # one question, whatever shape the format gave it
    assert name in " ".join(strings_of(item.question))  # the reference survives
    missing = [w for w in plan.warnings if "is not a file of this course" in w]
    if fmt in CARRY_FILES:
        assert missing == []
        apply_import(db.session, plan, media_dir=_media_dir(), now=NOW)
        db.session.commit()
        assert db.session.scalar(sa.select(Media.name).where(Media.course_id == other.id)) == name
    else:
        assert len(missing) == 1
        assert f"media:{name} is not a file of this course" in missing[0]
        # The same file uploaded to the course has the same name: the reference works.
        store_media(db.session, other, image, "logo.png", media_dir=_media_dir(), now=NOW)
        again = plan_import(db.session, other, _lesson(other), exported.data, exported.filename)
        assert [w for w in again.warnings if "is not a file of this course" in w] == []
