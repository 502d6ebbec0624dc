"""The answer fields' one per-type table (quizapp.answering.fields): complete for the
registry, shared by quiz and review without a blueprint importing another, and laying out
every cloze blank alike."""

import ast
from pathlib import Path

from flask import render_template_string
from flask_wtf import FlaskForm

import quizapp
from quizapp.answering.fields import FIELD_BUILDERS
from quizapp.domain.questions.registry import QUESTION_TYPES

PACKAGE = Path(quizapp.__file__).parent


def test_every_answered_type_has_answer_fields_and_nothing_else_does():
    answered = {name for name, qtype in QUESTION_TYPES.items() if qtype.scored}
    assert set(FIELD_BUILDERS) == answered
    assert {"essay"} <= answered
    assert not {"flashcard", "description"} & answered


def _imports(module: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_review_blueprint_imports_nothing_from_the_learn_blueprint():
    for module in (PACKAGE / "review").glob("*.py"):
        learn = {name for name in _imports(module) if name.startswith("quizapp.learn")}
        assert learn == set(), module.name


def test_a_drop_down_blank_is_laid_out_like_a_text_blank(app):
    question = {
        "type": "cloze",
        "text": "Flask usa {{1}} y {{2}}.",
        "blanks": [
            {"answers": ["Jinja2"]},
            {"answers": ["Werkzeug"], "options": ["Werkzeug", "Django", "Rails"]},
        ],
    }

    class Form(FlaskForm):
        pass

    builder = FIELD_BUILDERS["cloze"]
    layout = [[], [2, 0, 1]]
    builder.add_fields(Form, "q1", question, layout)
    with app.test_request_context():
        form = Form(meta={"csrf": False})
        fields = [form[name] for name in builder.field_names("q1", question, layout)]
        html = render_template_string(
            '{% from "_question_fields.html" import answer_fields %}'
            "{{ answer_fields({'fields': fields}) }}",
            fields=fields,
        )
    rows = html.split('<div class="mb-2 row g-2 align-items-center answer-row">')[1:]
    assert len(rows) == 2  # both blanks in the same row layout
    assert 'class="col-form-label"' in rows[0]
    assert 'class="col-form-label"' in rows[1]
    assert "<select" in rows[1]
    assert 'class="form-control"' in rows[0]
    assert 'type="text"' in rows[0]
