"""A file import costs a bounded number of SQL statements, however many questions it holds:
new questions and their choices go in as bulk INSERTs, changed ones are read in one go."""

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Choice, Course, Lesson, Question
from quizapp.services.bank_import import apply_import, plan_import
from quizapp.services.question_store import question_dict

# Statements a ten-times bigger file may add: INSERT batches (SQLAlchemy pages big
# executemany calls), never one statement per question.
BATCH_ALLOWANCE = 20

_KINDS = (
    "::{id}:: ¿Qué devuelve la vista {n}? {{=Una respuesta#Bien ~Un módulo ~Una clase\\: no}}",
    "::{id}:: Marca las extensiones ({n}). {{~%50%Flask-Login ~%50%Flask-WTF ~%-100%Django}}",
    "::{id}:: Flask {n} es un microframework. {{T#No#Sí}}",
    "::{id}:: El objeto global de la petición {n}: {{=request =flask.request}}",
    "::{id}:: ¿Cuántos métodos HTTP usa el ejemplo {n}? {{#2:0.5}}",
    "::{id}:: Empareja ({n}). {{=GET -> leer =POST -> crear =DELETE -> borrar}}",
    "::{id}:: El decorador {{=route ~path ~url}} registra la ruta {n}.",
)


def _gift(count: int, prefix: str, variant: str = "") -> str:
    blocks = []
    for n in range(count):
        question_id = f"{prefix}-{n:05d}"
        text = _KINDS[n % len(_KINDS)].format(id=question_id, n=f"{n}{variant}")
        blocks.append(f"// [id:{question_id}] [tag:speed]\n{text}")
    return "\n\n".join(blocks) + "\n"


def _import(count_queries, text: str, reads_only: bool = False) -> tuple[int, list[str]]:
    """Plan and apply `text` into lesson 1; the number of statements (SELECTs only when
    `reads_only`) and the ids written."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == "curso-flask"))
    lesson = db.session.scalar(
        sa.select(Lesson).where(Lesson.course_id == course.id, Lesson.number == 1)
    )
    with count_queries:
        plan = plan_import(db.session, course, lesson, text, "speed.gift", "gift")
        assert plan.errors == []
        apply_import(db.session, plan)
        db.session.flush()
    db.session.commit()
    statements = count_queries.selects() if reads_only else count_queries.statements
    return len(statements), plan.created + plan.updated


def _stored(prefix: str) -> list[Question]:
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.external_id.like(f"{prefix}-%"))
            .order_by(Question.external_id)
        )
    )


@pytest.mark.usefixtures("bundled_course")
def test_creating_ten_times_more_questions_adds_no_statement_per_question(count_queries):
    small, written = _import(count_queries, _gift(200, "small"))
    assert len(written) == 200
    large, written = _import(count_queries, _gift(2000, "large"))
    assert len(written) == 2000
    assert large <= small + BATCH_ALLOWANCE

    rows = _stored("large")
    assert len(rows) == 2000
    lesson_id = rows[0].lesson_id
    positions = [row.position for row in sorted(rows, key=lambda row: row.id)]
    assert positions == sorted(positions)
    assert len(set(positions)) == 2000
    assert all(row.lesson_id == lesson_id and row.version == 1 for row in rows)
    # Choice rows as the ORM path writes them: by position, True/False for true/false.
    first = rows[0]
    assert [c.text_md for c in first.choices] == ["Una respuesta", "Un módulo", "Una clase: no"]
    assert [c.is_correct for c in first.choices] == [True, False, False]
    assert [c.feedback_md for c in first.choices] == ["Bien", None, None]
    true_false = rows[2]
    assert [(c.text_md, c.is_correct) for c in true_false.choices] == [
        ("True", True),
        ("False", False),
    ]
    assert question_dict(true_false)["feedback_true"] == "Sí"
    choices = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Choice)
        .join(Question)
        .where(Question.external_id.like("large-%"))
    )
    # Of every seven kinds: 3 + 3 + 2 choice rows (single, multiple, true/false).
    assert choices == sum((3, 3, 2, 0, 0, 0, 0)[n % 7] for n in range(2000))


@pytest.mark.usefixtures("bundled_course")
def test_reimporting_changed_questions_reads_them_without_a_query_per_question(count_queries):
    _import(count_queries, _gift(200, "small"))
    _import(count_queries, _gift(2000, "large"))
    small, _ = _import(count_queries, _gift(200, "small", variant=" (bis)"), reads_only=True)
    large, written = _import(count_queries, _gift(2000, "large", variant=" (bis)"), reads_only=True)
    assert len(written) == 2000
    # The unit of work batches the UPDATEs as it can; what must not grow is the reading.
    assert large == small

    rows = _stored("large")
    assert all(row.version == 2 for row in rows)
    assert rows[0].prompt_md == "¿Qué devuelve la vista 0 (bis)?"
    assert [c.text_md for c in rows[0].choices] == ["Una respuesta", "Un módulo", "Una clase: no"]
    assert [c.position for c in rows[1].choices] == [0, 1, 2]
