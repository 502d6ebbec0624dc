"""Staff over the API: course statistics and question-file imports (all or nothing)."""

import io

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question
from quizapp.services import catalog, course_groups
from tests.api.conftest import COURSE, LESSON, LESSON_PATH, all_right

GOOD_YAML = """\
questions:
  - id: api-importado
    type: true_false
    prompt: "Flask es un microframework."
    answer: true
"""
BAD_YAML = """\
questions:
  - id: api-bueno
    type: true_false
    prompt: "Bien."
    answer: true
  - id: api-malo
    type: single_choice
    prompt: "Sin opciones"
"""


def _questions() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question))


def test_staff_see_course_statistics(staff_api, learner_api):
    attempt = learner_api.post(f"{LESSON_PATH}/attempts").get_json()
    learner_api.post(f"/attempts/{attempt['id']}/submit", json=all_right(attempt))
    response = staff_api.get(f"/courses/{COURSE}/stats")
    assert response.status_code == 200
    body = response.get_json()
    assert body["course"]["slug"] == COURSE
    lesson = next(item for item in body["lessons"] if item["lesson"]["slug"] == LESSON)
    assert lesson["learners_completed"] == 1
    analysed = [q for q in body["questions"] if q["attempts"]]
    assert analysed
    assert all(q["facility"] == 1.0 for q in analysed)
    assert [row["email"] for row in body["learners"]] == [learner_api.user.email]


def test_course_statistics_narrow_their_learners_to_a_group(staff_api, learner_api, api_as, enrol):
    other = api_as("learner")
    enrol(other.user)
    for api in (learner_api, other):
        attempt = api.post(f"{LESSON_PATH}/attempts").get_json()
        api.post(f"/attempts/{attempt['id']}/submit", json=all_right(attempt))
    course = catalog.find_course(db.session, COURSE)
    group = course_groups.create_group(db.session, course, "Tarde")
    course_groups.set_learner_group(db.session, course, other.user.id, group.id)
    db.session.commit()

    body = staff_api.get(f"/courses/{COURSE}/stats?group={group.id}").get_json()
    assert body["group_id"] == group.id
    assert [row["email"] for row in body["learners"]] == [other.user.email]
    lesson = next(item for item in body["lessons"] if item["lesson"]["slug"] == LESSON)
    assert (lesson["learners_completed"], lesson["completion"]) == (2, 1.0)  # course-wide
    assert staff_api.get(f"/courses/{COURSE}/stats").get_json()["group_id"] is None
    missing = staff_api.get(f"/courses/{COURSE}/stats?group=999999")
    assert missing.status_code == 404
    assert staff_api.get(f"/courses/{COURSE}/stats?group=tarde").status_code == 422


def test_learners_may_not_see_course_statistics(learner_api):
    response = learner_api.get(f"/courses/{COURSE}/stats")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_statistics_of_an_unknown_course_are_not_found(staff_api):
    assert staff_api.get("/courses/no-such-course/stats").status_code == 404


def test_staff_import_a_yaml_text(staff_api):
    before = _questions()
    response = staff_api.post(
        f"/courses/{COURSE}/import", json={"format": "yaml", "text": GOOD_YAML, "lesson": 3}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["applied"] is True
    assert body["created"] == ["api-importado"]
    assert _questions() == before + 1
    again = staff_api.post(
        f"/courses/{COURSE}/import", json={"format": "yaml", "text": GOOD_YAML, "lesson": LESSON}
    )
    assert again.get_json()["unchanged"] == ["api-importado"]
    assert _questions() == before + 1


def test_a_dry_run_writes_nothing(staff_api):
    before = _questions()
    response = staff_api.post(
        f"/courses/{COURSE}/import",
        json={"format": "yaml", "text": GOOD_YAML, "lesson": 3, "dry_run": True},
    )
    assert response.get_json()["created"] == ["api-importado"]
    assert response.get_json()["applied"] is False
    assert _questions() == before


def test_staff_upload_a_file(staff_api):
    gift = "// [id:api-gift]\n::Capital::¿Capital de Francia? {=París ~Roma ~Madrid}\n"
    response = staff_api.post(
        f"/courses/{COURSE}/import",
        data={"file": (io.BytesIO(gift.encode()), "banco.gift"), "lesson": "3"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["format"] == "gift"
    assert len(response.get_json()["created"]) == 1


def test_a_bad_file_imports_nothing_and_names_the_lines(staff_api):
    before = _questions()
    response = staff_api.post(
        f"/courses/{COURSE}/import",
        data={"file": (io.BytesIO(BAD_YAML.encode()), "malo.yaml"), "lesson": "3"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_file"
    assert error["details"]
    assert all(line.startswith("malo.yaml:") for line in error["details"])
    assert any(line.startswith("malo.yaml:6:") or "api-malo" in line for line in error["details"])
    assert _questions() == before


def test_an_upload_that_is_not_utf8_is_refused(staff_api):
    response = staff_api.post(
        f"/courses/{COURSE}/import",
        data={"file": (io.BytesIO(b"\xff\xfe\x00bad"), "x.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == ["x.yaml:1: the file is not UTF-8 text"]


def test_an_unknown_lesson_is_unprocessable(staff_api):
    response = staff_api.post(
        f"/courses/{COURSE}/import", json={"format": "yaml", "text": GOOD_YAML, "lesson": 99}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unknown_lesson"


def test_an_import_body_without_text_is_unprocessable(staff_api):
    response = staff_api.post(f"/courses/{COURSE}/import", json={"format": "yaml"})
    assert response.status_code == 422


def test_learners_may_not_import(learner_api):
    before = _questions()
    response = learner_api.post(
        f"/courses/{COURSE}/import", json={"format": "yaml", "text": GOOD_YAML, "lesson": 3}
    )
    assert response.status_code == 403
    assert _questions() == before


def test_a_body_over_the_upload_cap_is_too_large(staff_api, app):
    text = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = staff_api.post(
        f"/courses/{COURSE}/import", json={"format": "yaml", "text": text, "lesson": 3}
    )
    assert response.status_code == 413
    assert response.is_json
