"""Hostile files through every way in (web import, API upload and JSON, CLI): each is
refused with `file:line: message` or read quickly, never a 500, a hang or a huge worker."""

import io

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Question
from tests.conftest import PASSWORD, csrf_token_from
from tests.domain.test_bank_limits import billion_laughs

COURSE = "curso-flask"
IMPORT_PAGE = f"/instructor/courses/{COURSE}/import"
ALIAS_ERROR = "YAML anchors and aliases (&a0, *a0) are not allowed"


@pytest.fixture
def app_config(tmp_path):
    return {"IMPORT_UPLOAD_DIR": str(tmp_path / "uploads")}


class Entrances:
    """The ways a file gets into a course, each answering (status, text of the answer)."""

    def __init__(self, client, runner, token: str, tmp_path):
        self.client, self.runner, self.token, self.tmp_path = client, runner, token, tmp_path

    def web(self, filename: str, data: bytes) -> tuple[int, str]:
        page = self.client.get(IMPORT_PAGE).get_data(as_text=True)
        response = self.client.post(
            IMPORT_PAGE,
            data={
                "csrf_token": csrf_token_from(page),
                "file": (io.BytesIO(data), filename),
                "format": "auto",
                "lesson": "clase-1-introduccion",
            },
            content_type="multipart/form-data",
        )
        return response.status_code, response.get_data(as_text=True)

    def api_upload(self, filename: str, data: bytes) -> tuple[int, str]:
        response = self.client.post(
            f"/api/v1/courses/{COURSE}/import",
            headers={"Authorization": f"Bearer {self.token}"},
            data={"file": (io.BytesIO(data), filename), "lesson": "1"},
            content_type="multipart/form-data",
        )
        return response.status_code, response.get_data(as_text=True)

    def api_json(self, fmt: str, text: str) -> tuple[int, str]:
        response = self.client.post(
            f"/api/v1/courses/{COURSE}/import",
            headers={"Authorization": f"Bearer {self.token}"},
            json={"format": fmt, "text": text, "lesson": 1},
        )
        return response.status_code, response.get_data(as_text=True)

    def cli(self, filename: str, data: bytes) -> tuple[int, str]:
        path = self.tmp_path / filename
        path.write_bytes(data)
        result = self.runner.invoke(
            args=["questions", "import", str(path), "--course", COURSE, "--lesson", "1"]
        )
        return result.exit_code, result.output


@pytest.fixture
def entrances(client, runner, auth, make_user, bundled_course, tmp_path) -> Entrances:
    user = make_user("instructor")
    auth.login(user.email)
    token = client.post(
        "/api/v1/tokens", json={"email": user.email, "password": PASSWORD, "name": "t"}
    ).get_json()["token"]
    return Entrances(client, runner, token, tmp_path)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question))


def test_the_alias_bomb_is_refused_by_every_entrance(entrances):
    bomb = billion_laughs()
    before = _count()
    status, html = entrances.web("bomb.yaml", bomb.encode())
    assert status == 200
    assert f"bomb.yaml:1: {ALIAS_ERROR}" in html.replace("&amp;", "&")
    status, body = entrances.api_upload("bomb.yaml", bomb.encode())
    assert status == 422
    assert f"bomb.yaml:1: {ALIAS_ERROR}" in body
    status, body = entrances.api_json("yaml", bomb)
    assert status == 422
    assert f"upload.yaml:1: {ALIAS_ERROR}" in body
    status, output = entrances.cli("bomb.yaml", bomb.encode())
    assert status == 1
    assert f"bomb.yaml:1: {ALIAS_ERROR}" in output
    assert _count() == before


def test_the_alias_bomb_is_refused_by_validate_and_content_load(runner, tmp_path):
    (tmp_path / "bomb.yaml").write_text(billion_laughs(), encoding="utf-8")
    result = runner.invoke(args=["questions", "validate", str(tmp_path / "bomb.yaml")])
    assert result.exit_code == 1
    assert f"bomb.yaml:1: {ALIAS_ERROR}" in result.output
