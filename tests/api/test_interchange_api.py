"""The API's import takes Moodle XML and Anki packages as multipart uploads."""

import io

from tests.domain.test_anki_package import legacy_package
from tests.domain.test_moodle_xml import BILLION_LAUGHS, _conformance_folder

COURSE = "curso-flask"


def _upload(staff_api, data: bytes, filename: str, lesson: str = "3"):
    return staff_api.post(
        f"/courses/{COURSE}/import",
        data={"file": (io.BytesIO(data), filename), "lesson": lesson},
        content_type="multipart/form-data",
    )


def test_a_moodle_xml_upload_imports_and_reports_what_it_skipped(staff_api):
    data = (_conformance_folder() / "qtype_shortanswer_testquestion.moodle.xml").read_bytes()
    response = _upload(staff_api, data, "moodle.xml")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["format"] == "moodle-xml"
    assert body["created"] == ["shortanswer-001"]
    assert any("any-other-answer" in line for line in body["unsupported"])


def test_an_anki_package_upload_imports_its_cards(staff_api):
    response = _upload(staff_api, legacy_package(), "deck.apkg")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["format"] == "apkg"
    assert len(response.get_json()["created"]) == 5


def test_hostile_files_are_unprocessable_and_import_nothing(staff_api):
    response = _upload(staff_api, BILLION_LAUGHS, "evil.xml")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0].startswith("evil.xml:2: refused:")
    response = _upload(staff_api, b"PK\x03\x04 not really", "bad.apkg")
    assert response.status_code == 422


NESTED = "nested_categories_with_questions.xml"
MAPPING = {"Iota": "1", "Iota/Kappa": "2", "Lambda": "3", "Iota/Mu": "clase-3-que-es-flask"}


def test_categories_that_name_no_lesson_are_mapped_in_a_multipart_upload(staff_api):
    data = (_conformance_folder() / NESTED).read_bytes()
    unmapped = staff_api.post(
        f"/courses/{COURSE}/import",
        data={"file": (io.BytesIO(data), "nested.xml")},
        content_type="multipart/form-data",
    )
    assert unmapped.status_code == 422
    assert any("names lesson 'Iota'" in line for line in unmapped.get_json()["error"]["details"])
    lines = "\n".join(f"{category}={lesson}" for category, lesson in MAPPING.items())
    response = staff_api.post(
        f"/courses/{COURSE}/import",
        data={"file": (io.BytesIO(data), "nested.xml"), "categories": lines},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
    assert sorted(response.get_json()["created"]) == [
        "iota-question",
        "kappa-essay-question",
        "kappa-question",
        "lambda-question",
        "mu-question",
    ]


def test_categories_are_an_object_in_a_json_import(staff_api):
    text = (_conformance_folder() / NESTED).read_text(encoding="utf-8")
    body = {"format": "moodle-xml", "text": text, "categories": MAPPING, "dry_run": True}
    response = staff_api.post(f"/courses/{COURSE}/import", json=body)
    # Moodle XML is binary in the formats table: it must be a multipart upload.
    assert response.status_code == 422
    gift = "$CATEGORY: Curso/Mi tema\n\n::q1:: Flask es un framework {T}\n"
    body = {"format": "gift", "text": gift, "categories": {"Mi tema": "2"}, "dry_run": True}
    response = staff_api.post(f"/courses/{COURSE}/import", json=body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["applied"] is False


def test_a_mapping_line_without_equals_is_unprocessable(staff_api):
    data = (_conformance_folder() / NESTED).read_bytes()
    response = staff_api.post(
        f"/courses/{COURSE}/import",
        data={"file": (io.BytesIO(data), "nested.xml"), "categories": "Iota"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "write CATEGORY=LESSON" in str(response.get_json()["error"])
