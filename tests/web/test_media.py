"""Course media through the web client: the instructors' upload (page and editor panel),
what a refused file answers, and how a stored file is served."""

import io

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Course, Media
from quizapp.models.types import utcnow
from quizapp.services.media import media_path, store_media
from tests import media_files as files
from tests.conftest import csrf_token_from

LIBRARY = "/instructor/courses/curso-flask/media"


@pytest.fixture
def app_config(tmp_path):
    return {"MEDIA_DIR": str(tmp_path / "media")}


@pytest.fixture
def staff(client, login_as, bundled_course):
    login_as("instructor")
    return client


def _upload(client, data: bytes, filename: str, alt="Logo de Flask", json=False):
    token = csrf_token_from(client.get(LIBRARY).get_data(as_text=True))
    form = {"csrf_token": token, "alt": alt, "file": (io.BytesIO(data), filename)}
    headers = {"Accept": "application/json"} if json else {}
    return client.post(LIBRARY, data=form, content_type="multipart/form-data", headers=headers)


def _stored(app) -> list:
    folder = media_path(app.config["MEDIA_DIR"], "a" * 64 + ".png").parents[2]
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def _media_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Media))


def _fetch(client, path, **kwargs):
    response = client.get(path, **kwargs)
    body = response.get_data()
    response.close()
    return response, body


def test_an_instructor_uploads_an_image_and_gets_its_markdown(app, staff):
    response = _upload(staff, files.jpeg_with_gps(), "foto.jpg")
    assert response.status_code == 302
    media = db.session.scalar(sa.select(Media))
    assert media.original_name == "foto.jpg"
    page = staff.get(LIBRARY).get_data(as_text=True)
    assert f"![Logo de Flask](media:{media.name})" in page
    assert f'src="/media/{media.name}"' in page
    assert b"PhoneMaker" not in media_path(app.config["MEDIA_DIR"], media.name).read_bytes()


def test_the_editor_panel_gets_json_back(staff):
    response = _upload(staff, files.png(), "diagrama.png", alt="Diagrama [v2]", json=True)
    assert response.status_code == 201
    body = response.get_json()
    assert body["markdown"] == f"![Diagrama \\[v2\\]](media:{body['name']})"


def test_the_question_and_lesson_editors_offer_the_upload_panel(staff):
    question = staff.get("/instructor/courses/curso-flask/lessons/clase-1-introduccion/questions")
    assert question.status_code == 200
    editor = staff.get("/instructor/courses/curso-flask/lessons/clase-1-introduccion/edit")
    html = editor.get_data(as_text=True)
    assert f'action="{LIBRARY}" data-media-upload' in html
    assert 'src="/static/js/media.js"' in html
    new = staff.get(
        "/instructor/courses/curso-flask/lessons/clase-1-introduccion/questions/new"
        "?type=single_choice"
    ).get_data(as_text=True)
    assert '<option value="explanation">Explanation</option>' in new


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (files.SVG, "logo.svg", "Only PNG, JPEG, GIF and WebP images"),
        (files.HTML_AS_PNG, "logo.png", "Only PNG, JPEG, GIF and WebP images"),
        (files.truncated_png(), "cut.png", "damaged or incomplete"),
        (files.pixel_bomb(), "bomb.png", "too many pixels"),
    ],
    ids=["svg", "html-as-png", "truncated", "bomb"],
)
def test_a_refused_file_is_explained_and_writes_nothing(app, staff, data, filename, message):
    response = _upload(staff, data, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _media_count() == 0
    assert _stored(app) == []
    json_response = _upload(staff, data, filename, json=True)
    assert json_response.status_code == 422
    assert message in json_response.get_json()["error"]["message"]


def test_the_description_is_required(app, staff):
    response = _upload(staff, files.png(), "x.png", alt="  ")
    assert response.status_code == 422
    assert "Describe the image or sound" in response.get_data(as_text=True)
    assert _media_count() == 0


def test_a_file_over_the_media_cap_is_a_413(app, staff):
    app.config["MEDIA_MAX_BYTES"] = 256 * 1024
    # Under 500 KiB: a larger body makes the test client spool it to a file it never closes.
    noise = files.noise_png(400, 300)
    assert 256 * 1024 < len(noise) < 500 * 1024
    response = _upload(staff, noise, "x.png")
    assert response.status_code == 413
    assert "The file is too large: at most 0.25 MiB." in response.get_data(as_text=True)
    assert _stored(app) == []


def test_learners_may_not_upload(client, auth, make_user, bundled_course, enrol):
    learner = make_user("learner")
    auth.login(learner.email)
    assert client.get(LIBRARY).status_code == 404  # not the course's staff: no such page
    enrol(learner)
    assert client.get(LIBRARY).status_code == 403


# --- serving ---------------------------------------------------------------------------------


@pytest.fixture
def stored(app, bundled_course):
    course = db.session.scalar(sa.select(Course).where(Course.slug == "curso-flask"))
    media = store_media(
        db.session, course, files.png(), "logo.png", media_dir=app.config["MEDIA_DIR"], now=utcnow()
    )
    db.session.commit()
    return media


def test_a_stored_image_is_served_with_its_type_and_cached_for_good(client, stored):
    response, body = _fetch(client, f"/media/{stored.name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert body.startswith(b"\x89PNG")
    again, _ = _fetch(
        client, f"/media/{stored.name}", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_sound_is_served_as_audio(app, client, bundled_course):
    course = db.session.scalar(sa.select(Course).where(Course.slug == "curso-flask"))
    media = store_media(
        db.session, course, files.mp3(), "hola.mp3", media_dir=app.config["MEDIA_DIR"], now=utcnow()
    )
    db.session.commit()
    response, _ = _fetch(client, f"/media/{media.name}")
    assert response.headers["Content-Type"] == "audio/mpeg"


@pytest.mark.parametrize(
    "path",
    [
        "/media/" + "f" * 64 + ".png",  # a well-formed name nobody stored
        "/media/..%2f..%2fconfig.py",
        "/media/../config.py",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/" + "a" * 64 + ".svg",
        "/media/" + "A" * 64 + ".PNG",
    ],
)
def test_names_that_are_not_stored_media_are_not_found(client, stored, path):
    response, _ = _fetch(client, path)
    assert response.status_code == 404


def test_a_file_missing_from_disk_is_not_found(app, client, stored):
    media_path(app.config["MEDIA_DIR"], stored.name).unlink()
    response, _ = _fetch(client, f"/media/{stored.name}")
    assert response.status_code == 404


def test_a_lesson_shows_its_image_and_the_browser_may_load_it(client, stored):
    from quizapp.models import Lesson

    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.number == 1))
    lesson.body_md = f"![Logo de Flask](media:{stored.name})"
    db.session.commit()
    html = client.get(f"/courses/curso-flask/{lesson.slug}").get_data(as_text=True)
    assert f'<img src="/media/{stored.name}" alt="Logo de Flask">' in html
