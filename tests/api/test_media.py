"""POST /api/v1/courses/<course>/media: staff upload checked media; refusals are JSON
errors and store nothing."""

import io

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Media
from tests import media_files as files
from tests.api.conftest import COURSE


@pytest.fixture
def app_config(tmp_path):
    return {"MEDIA_DIR": str(tmp_path / "media")}


def _upload(api, data: bytes, filename: str, alt: str | None = "Logo de Flask"):
    form = {"file": (io.BytesIO(data), filename)}
    if alt is not None:
        form["alt"] = alt
    return api.post(f"/courses/{COURSE}/media", data=form, content_type="multipart/form-data")


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Media))


def test_staff_upload_an_image(staff_api):
    response = _upload(staff_api, files.webp(), "logo.webp")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["kind"] == "image"
    assert body["content_type"] == "image/webp"
    assert (body["width"], body["height"]) == (24, 24)
    assert body["url"] == f"/media/{body['name']}"
    assert body["markdown"] == f"![Logo de Flask](media:{body['name']})"
    assert _count() == 1


def test_a_sound_has_no_size_in_pixels(staff_api):
    body = _upload(staff_api, files.ogg_vorbis(), "hola.ogg", alt="Hola").get_json()
    assert (body["kind"], body["width"], body["height"]) == ("audio", None, None)


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (files.SVG, "a.svg", "not_accepted"),
        (files.HTML_AS_PNG, "a.png", "not_accepted"),
        (files.truncated_png(), "a.png", "not_decodable"),
        (files.header_bomb(), "a.png", "too_many_pixels"),
    ],
    ids=["svg", "html-as-png", "truncated", "bomb"],
)
def test_refused_files_are_422_and_store_nothing(staff_api, data, filename, code):
    response = _upload(staff_api, data, filename)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == code
    assert _count() == 0


def test_a_file_over_the_cap_is_413(app, staff_api):
    app.config["MEDIA_MAX_BYTES"] = 1000
    response = _upload(staff_api, files.noise_png(40, 40), "a.png")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_the_description_is_required(staff_api):
    response = _upload(staff_api, files.png(), "a.png", alt=None)
    assert response.status_code == 422
    assert _count() == 0


def test_a_json_body_is_refused(staff_api):
    response = staff_api.post(f"/courses/{COURSE}/media", json={"alt": "x"})
    assert response.status_code == 422
    assert "multipart/form-data" in response.get_json()["error"]["message"]


def test_learners_may_not_upload(learner_api):
    assert _upload(learner_api, files.png(), "a.png").status_code == 403
    assert _count() == 0


def test_an_unknown_course_is_not_found(staff_api):
    response = staff_api.post(
        "/courses/no-such-course/media",
        data={"file": (io.BytesIO(files.png()), "a.png"), "alt": "x"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
