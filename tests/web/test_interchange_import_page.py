"""The import page with Moodle XML categories mapped to lessons and an Anki package whose
review log becomes the uploader's history."""

import io
import re

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Card, Lesson, Media, Question, ReviewLog
from tests.conftest import csrf_token_from
from tests.domain.test_anki_package import legacy_package
from tests.domain.test_moodle_xml import _conformance_folder
from tests.media_files import png
from tests.services.test_import_media import moodle_xml

PATH = "/instructor/courses/curso-flask/import"


@pytest.fixture
def app_config(tmp_path):
    return {"IMPORT_UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def instructor(client, login_as, bundled_course):
    return login_as("instructor")


def _upload(client, data: bytes, filename: str, **fields):
    page = client.get(PATH).get_data(as_text=True)
    form = {"csrf_token": csrf_token_from(page), "format": "auto", "lesson": "", **fields}
    form["file"] = (io.BytesIO(data), filename)
    return client.post(PATH, data=form, content_type="multipart/form-data").get_data(as_text=True)


def _confirm(client, preview_html: str):
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview_html).group(1)
    return client.post(
        f"{PATH}/confirm", data={"csrf_token": csrf_token_from(preview_html), "token": token}
    )


def _lesson_of(external_id: str) -> int:
    question = db.session.scalar(sa.select(Question).where(Question.external_id == external_id))
    return db.session.get(Lesson, question.lesson_id).number


def test_moodle_categories_are_mapped_to_lessons_on_the_page(client, instructor):
    data = (_conformance_folder() / "nested_categories_with_questions.xml").read_bytes()
    unmapped = _upload(client, data, "nested.xml")
    assert "names lesson &#39;Iota&#39;" in unmapped
    mapping = "Iota = 1\nIota/Kappa=2\nLambda=2\nMu=clase-3-que-es-flask\n"
    preview = _upload(client, data, "nested.xml", categories=mapping)
    assert "kappa-essay-question" in preview  # the essay imports too
    assert _confirm(client, preview).status_code == 302
    imported = ("iota-question", "kappa-essay-question", "kappa-question", "mu-question")
    assert [_lesson_of(q) for q in imported] == [1, 2, 2, 3]


def test_a_malformed_mapping_line_is_shown_on_the_form(client, instructor):
    data = (_conformance_folder() / "truefalse.xml").read_bytes()
    html = _upload(client, data, "tf.xml", categories="no equals sign")
    assert "write CATEGORY=LESSON" in html
    assert 'name="token"' not in html


def test_an_anki_package_with_my_history(client, instructor):
    data = legacy_package(revlog=[(1_700_000_000_000, 10, 3, 4000, 0)])
    preview = _upload(client, data, "deck.apkg", lesson="clase-1-introduccion", with_history="y")
    assert _confirm(client, preview).status_code == 302
    card = db.session.scalar(sa.select(Card).where(Card.user_id == instructor.id))
    assert card.reps == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ReviewLog)
            .where(ReviewLog.user_id == instructor.id)
        )
        == 1
    )


def test_the_preview_lists_images_without_alt_text_and_the_confirm_stores_the_image(
    client, instructor
):
    data = moodle_xml({"logo.png": png()}, alt="")
    preview = _upload(client, data, "logo.xml", lesson="clase-1-introduccion")
    assert 'id="import-warnings"' in preview
    assert "logo-q: an image or a sound has no description (alt text)" in preview
    assert _confirm(client, preview).status_code == 302
    question = db.session.scalar(sa.select(Question).where(Question.external_id == "logo-q"))
    [name] = db.session.scalars(sa.select(Media.name)).all()
    assert f"(media:{name})" in question.prompt_md


def _choose_lessons(client, html: str, slugs: list[str]):
    """Answer the mapping step: one lesson slug per category select, in page order."""
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    form = {"csrf_token": csrf_token_from(html), "token": token}
    form.update({f"lessons-{index}": slug for index, slug in enumerate(slugs)})
    return client.post(f"{PATH}/categories", data=form)


def _categories_asked(html: str) -> list[str]:
    section = html.split('id="category-mapping"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"Category “([^”]+)”", section)


def test_unknown_categories_get_a_lesson_select_each_and_then_import(client, instructor):
    data = (_conformance_folder() / "nested_categories_with_questions.xml").read_bytes()
    asked = _upload(client, data, "nested.xml")
    categories = _categories_asked(asked)
    assert len(categories) == 4
    assert categories[0].endswith("Iota")
    assert 'id="preview-heading"' not in asked  # no confirm button before every one has a lesson
    second = "clase-2-como-funcionan-las-aplicaciones-web"
    lessons = ["clase-1-introduccion", second, second, "clase-3-que-es-flask"]
    preview = _choose_lessons(client, asked, lessons).get_data(as_text=True)
    assert 'id="preview-heading"' in preview
    assert 'id="import-categories"' in preview
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Question)
            .where(Question.external_id == "iota-question")
        )
        == 0
    )  # nothing written before the confirm
    assert _confirm(client, preview).status_code == 302
    imported = ("iota-question", "kappa-essay-question", "kappa-question", "mu-question")
    assert [_lesson_of(q) for q in imported] == [1, 2, 2, 3]


def test_a_category_left_without_a_lesson_is_asked_again(client, instructor):
    data = (_conformance_folder() / "nested_categories_with_questions.xml").read_bytes()
    asked = _upload(client, data, "nested.xml")
    again = _choose_lessons(client, asked, ["clase-1-introduccion", "", "", ""])
    html = again.get_data(as_text=True)
    assert len(_categories_asked(html)) == 3
    assert 'id="preview-heading"' not in html


@pytest.mark.parametrize(
    "slugs",
    [["no-such-lesson", "", "", ""], ["clase-1-introduccion"] * 5],
    ids=["unknown", "extra"],
)
def test_a_mapping_that_is_not_the_pages_is_refused_and_writes_nothing(client, instructor, slugs):
    data = (_conformance_folder() / "nested_categories_with_questions.xml").read_bytes()
    asked = _upload(client, data, "nested.xml")
    assert _choose_lessons(client, asked, slugs).status_code == 400
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Question)
            .where(Question.external_id == "iota-question")
        )
        == 0
    )


def test_another_users_upload_cannot_be_mapped(client, instructor, login_as):
    data = (_conformance_folder() / "nested_categories_with_questions.xml").read_bytes()
    asked = _upload(client, data, "nested.xml")
    login_as("admin")
    page = client.get(PATH).get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', asked).group(1)
    response = client.post(
        f"{PATH}/categories", data={"csrf_token": csrf_token_from(page), "token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(PATH)
