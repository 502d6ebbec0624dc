"""Banks and course notes that name files beside them (`media:diagrama.png`): loaded as
course media with the Markdown pointing at the stored names; a bad reference loads nothing."""

import pytest
import sqlalchemy as sa
import yaml

from quizapp.domain.media_files import check_media
from quizapp.extensions import db
from quizapp.models import Course, Lesson, Media, Question
from quizapp.models.types import utcnow
from quizapp.services.content_loader import ContentError, load_path
from quizapp.services.media import media_path
from quizapp.services.question_store import question_dict
from tests import media_files as files

COURSE_MD = """# Curso con imágenes

Portada: ![Portada del curso](media:portada.png)

## Clase 1 Introducción

![Diagrama de una petición](media:img/peticion.png)

Texto.
"""


def _bank(prompt: str, feedback: str = "Bien.") -> str:
    question = {
        "id": "c1-diagrama",
        "type": "single_choice",
        "prompt": prompt,
        "choices": [{"text": "Sí", "correct": True, "feedback": feedback}, {"text": "No"}],
    }
    return yaml.safe_dump({"lesson": 1, "questions": [question]}, allow_unicode=True)


@pytest.fixture
def folder(tmp_path):
    course = tmp_path / "curso-imagenes"
    (course / "img").mkdir(parents=True)
    (course / "course.md").write_text(COURSE_MD, encoding="utf-8")
    (course / "portada.png").write_bytes(files.png((10, 10)))
    (course / "img" / "peticion.png").write_bytes(files.png((30, 10), (0, 0, 200)))
    (course / "hola.mp3").write_bytes(files.mp3())
    prompt = "¿Qué muestra ![Diagrama](media:img/peticion.png)?"
    feedback = "Escucha: ![audio: hola](media:hola.mp3)"
    (course / "clase-1.yaml").write_text(_bank(prompt, feedback), encoding="utf-8")
    return course


def _names() -> set[str]:
    return set(db.session.scalars(sa.select(Media.name)))


def test_files_beside_the_sources_become_course_media(app, folder, tmp_path):
    media_dir = tmp_path / "media"
    load_path(db.session, folder, utcnow(), media_dir)
    db.session.commit()
    portada, peticion, hola = (
        check_media((folder / name).read_bytes(), 10**7).name
        for name in ("portada.png", "img/peticion.png", "hola.mp3")
    )
    assert _names() == {portada, peticion, hola}
    assert all(media_path(media_dir, name).is_file() for name in _names())
    course = db.session.scalar(sa.select(Course))
    assert f"![Portada del curso](media:{portada})" in course.description_md
    lesson = db.session.scalar(sa.select(Lesson))
    assert f"![Diagrama de una petición](media:{peticion})" in lesson.body_md
    question = question_dict(db.session.scalar(sa.select(Question)))
    assert question["prompt"] == f"¿Qué muestra ![Diagrama](media:{peticion})?"
    assert question["choices"][0]["feedback"] == f"Escucha: ![audio: hola](media:{hola})"


def test_loading_again_changes_nothing(app, folder, tmp_path):
    load_path(db.session, folder, utcnow(), tmp_path / "media")
    db.session.commit()
    report = load_path(db.session, folder, utcnow(), tmp_path / "media")
    db.session.commit()
    assert report.questions_unchanged == 1
    assert report.lessons_updated == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Media)) == 3


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("falta.png", "no such file in the course folder"),
        ("../secreto.png", "only files inside the course folder may be named"),
        ("/etc/passwd", "only files inside the course folder may be named"),
        ("img\\\\peticion.png", "only files inside the course folder may be named"),
        ("enlace.png", "only files inside the course folder may be named"),
        ("logo.svg", "not an accepted image or sound (not accepted)"),
        ("cortada.png", "not an accepted image or sound (not decodable)"),
    ],
)
def test_a_bad_reference_is_a_file_line_error_and_loads_nothing(
    app, folder, tmp_path, target, message
):
    (tmp_path / "secreto.png").write_bytes(files.png())
    (folder / "enlace.png").symlink_to(tmp_path / "secreto.png")
    (folder / "logo.svg").write_bytes(files.SVG)
    (folder / "cortada.png").write_bytes(files.truncated_png())
    (folder / "clase-1.yaml").write_text(_bank(f"Mira ![x](media:{target})"), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_path(db.session, folder, utcnow(), tmp_path / "media")
    db.session.rollback()
    bank = folder / "clase-1.yaml"
    line = bank.read_text("utf-8").splitlines().index("  id: c1-diagrama") + 1
    assert error.value.errors == [f"{bank}:{line}: media:{target}: {message}"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0
    assert not (tmp_path / "media").exists()


def test_stored_names_need_no_file_beside_the_bank(app, folder, tmp_path):
    stored = "e" * 64 + ".png"
    (folder / "clase-1.yaml").write_text(_bank(f"![x](media:{stored})"), encoding="utf-8")
    load_path(db.session, folder, utcnow(), tmp_path / "media")
    assert (
        question_dict(db.session.scalar(sa.select(Question)))["prompt"] == f"![x](media:{stored})"
    )
