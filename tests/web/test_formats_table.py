"""Every row of the formats table is reachable from the CLI, the web pages and the API."""

import io

import pytest

from quizapp.domain.formats.registry import FORMATS, exportable, importable
from tests.conftest import csrf_token_from

IMPORT_PAGE = "/instructor/courses/curso-flask/import"


@pytest.fixture
def app_config(tmp_path):
    return {"IMPORT_UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def staff(client, login_as, bundled_course):
    login_as("instructor")
    return client


def test_the_table_is_not_empty():
    assert importable()
    assert exportable()
    assert len(FORMATS) >= 4


def test_every_format_is_a_choice_of_the_cli(runner):
    import_help = runner.invoke(args=["questions", "import", "--help"]).output
    export_help = runner.invoke(args=["questions", "export", "--help"]).output
    for fmt in importable():
        assert fmt.name in import_help, fmt.name
    for fmt in exportable():
        assert fmt.name in export_help, fmt.name


def test_every_importable_format_is_a_choice_of_the_web_import_page(staff):
    html = staff.get(IMPORT_PAGE).get_data(as_text=True)
    for fmt in importable():
        assert f'<option value="{fmt.name}"' in html, fmt.name


def test_every_exportable_format_is_linked_and_downloads(staff):
    html = staff.get("/instructor/").get_data(as_text=True)
    for fmt in exportable():
        url = f"/instructor/courses/curso-flask/export?format={fmt.name}"
        assert url in html, fmt.name
        response = staff.get(url)
        assert response.status_code == 200, fmt.name
        assert response.mimetype == fmt.media_type.split(";")[0]
        disposition = response.headers["Content-Disposition"]
        assert f'filename="curso-flask{fmt.extension}"' in disposition


def test_every_importable_format_is_in_the_api_schema(client):
    document = client.get("/api/v1/openapi.json").get_json()
    body = document["paths"]["/api/v1/courses/{course}/import"]["post"]["requestBody"]
    for media_type in ("application/json", "multipart/form-data"):
        enum = body["content"][media_type]["schema"]["properties"]["format"]["enum"]
        assert sorted(enum) == sorted(fmt.name for fmt in importable()), media_type


def test_an_anki_txt_export_uploaded_with_auto_detection_becomes_flashcards(staff):
    anki = "#separator:tab\n#html:false\n#tags column:3\n¿Qué es WSGI?\tUna interfaz\tweb\n"
    response = staff.post(
        IMPORT_PAGE,
        data={
            "csrf_token": csrf_token_from(staff.get(IMPORT_PAGE).get_data(as_text=True)),
            "file": (io.BytesIO(anki.encode()), "Deck.txt"),
            "format": "auto",
            "lesson": "clase-1-introduccion",
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was imported" not in html
    assert "anki-" in html  # the card's id, from its front
