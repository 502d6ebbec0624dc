"""Specifications for the rule-based drafter: lesson notes become valid draft questions."""

import re
from pathlib import Path

import pytest
import yaml

from quizapp.domain.course_markdown import parse_course_markdown
from quizapp.domain.drafting import DRAFT_TYPES, draft_questions
from quizapp.domain.drafting_sentences import turned_around
from quizapp.domain.formats.bank import dump_bank, parse_bank
from quizapp.domain.lesson_notes import paragraph_anchor, read_notes
from quizapp.domain.questions.registry import describe_right_answer, validate_question

DATA = Path(__file__).parent / "data"
BUNDLED = Path(__file__).resolve().parents[2] / "questions" / "curso-flask"
DRAFT_ID = re.compile(r"^draft-\d+-[0-9a-f]{8}$")


@pytest.fixture(scope="module")
def seed():
    course = parse_course_markdown((DATA / "seed_course.md").read_text("utf-8"), "seed.md")
    return {lesson.number: lesson for lesson in course.lessons}


def _drafts(seed, number, existing=()):
    lesson = seed[number]
    return draft_questions(
        lesson.body_markdown,
        lesson_number=number,
        lesson_anchor=lesson.slug,
        course_markdown=[other.body_markdown for other in seed.values()],
        existing=existing,
    )


def _all_text(draft) -> str:
    return yaml.safe_dump(draft.question, allow_unicode=True).casefold()


def test_seed_lesson_3_gives_at_least_eight_valid_drafts(seed):
    drafts = _drafts(seed, 3)
    assert len(drafts) >= 8
    for draft in drafts:
        assert validate_question(draft.question) == [], draft.id
        assert DRAFT_ID.match(draft.id)
        assert draft.id.startswith("draft-3-")
        assert 0 < draft.confidence <= 1
        assert draft.section == "clase-3-que-es-flask"
    assert len({draft.id for draft in drafts}) == len(drafts)


@pytest.mark.parametrize("topic", ["jinja2", "orm", "mvc", "todo incluido"])
def test_seed_lesson_3_drafts_ask_about_each_flask_django_difference(seed, topic):
    assert any(topic in _all_text(draft) for draft in _drafts(seed, 3))


def test_comparisons_give_true_false_and_matching_drafts(seed):
    drafts = _drafts(seed, 3)
    statements = {
        d.question["prompt"]: d.question["answer"]
        for d in drafts
        if d.question["type"] == "true_false"
    }
    # The subjects swapped make a false statement; the second clause kept, a true one.
    assert statements["Flask trae todo incluido."] is False
    assert statements["Flask no tiene in modelo especifico."] is True
    matching = [d for d in drafts if d.question["type"] == "matching"]
    assert matching
    pairs = {(p["left"], p["right"]) for p in matching[0].question["pairs"]}
    assert ("Tiene ORM", "Django") in pairs
    assert ("Es lo más simple posible", "Flask") in pairs


def test_named_terms_become_cloze_blanks(seed):
    clozes = [d.question for d in _drafts(seed, 3) if d.question["type"] == "cloze"]
    answers = {blank["answers"][0] for q in clozes for blank in q["blanks"]}
    assert {"Jinja2", "Flask Extensions", "ORM", "MVC"} <= answers


def test_a_definition_sentence_becomes_a_flashcard(seed):
    cards = [d.question for d in _drafts(seed, 3) if d.question["type"] == "flashcard"]
    card = next(q for q in cards if q["prompt"] == "¿Qué es Flask?")
    assert card["back"].startswith("Un framework minimalista escrito en Python")


def test_seed_lesson_2_lists_its_advantages_as_a_multiple_response(seed):
    drafts = [d for d in _drafts(seed, 2) if d.question["type"] == "multiple_response"]
    assert len(drafts) == 1
    question = drafts[0].question
    assert "Ventajas" in question["prompt"]
    right = [c["text"] for c in question["choices"] if c["weight"] > 0]
    wrong = [c["text"] for c in question["choices"] if c["weight"] <= 0]
    assert right[0] == "Muchas de las aplicaciones web que existen son gratuitas."
    assert len(right) == 3
    # Distractors come from another list of the course (the Flask/Django differences).
    seed_3 = seed[3].body_markdown
    assert wrong
    assert all(text in seed_3 for text in wrong)


def test_a_list_without_any_other_list_in_the_course_gives_no_multiple_response(seed):
    drafts = draft_questions(seed[2].body_markdown, lesson_number=2)
    assert not [d for d in drafts if d.question["type"] == "multiple_response"]


def test_numbers_in_words_become_numeric_drafts(seed):
    numeric = [d.question for d in _drafts(seed, 1) if d.question["type"] == "numeric"]
    assert len(numeric) == 1
    assert "hasta ___ veces" in numeric[0]["prompt"]
    assert numeric[0]["answers"][0]["value"] == 3.0


def test_digits_are_drafted_but_not_those_inside_names_or_versions():
    notes = "## Datos\n\nEl servidor atiende 250 peticiones por segundo con Jinja2 y Python 3.12.\n"
    numeric = [
        d.question
        for d in draft_questions(notes, lesson_number=9)
        if d.question["type"] == "numeric"
    ]
    assert [q["answers"][0]["value"] for q in numeric] == [250.0]


def test_english_comparisons_and_templates():
    notes = (
        "## Flask and Django\n\n"
        "Django ships with an ORM whereas Flask lets you pick a database library.\n"
    )
    drafts = draft_questions(notes, lesson_number=4)
    kinds = {d.question["type"] for d in drafts}
    assert {"true_false", "matching"} <= kinds
    matching = next(d for d in drafts if d.question["type"] == "matching")
    assert matching.question["prompt"].startswith("Match each statement")
    assert all(d.section == "flask-and-django" for d in drafts)


def test_drafts_duplicating_existing_questions_are_left_out(seed):
    drafts = _drafts(seed, 3)
    by_prompt, by_answer, by_id = drafts[0], drafts[1], drafts[2]
    existing = [
        {**by_prompt.question, "id": "mine-1", "explanation": "otra"},
        # Same type and right answer, written differently.
        {**by_answer.question, "id": "mine-2", "prompt": "Una pregunta redactada de otro modo"},
        {"id": by_id.id, "type": "flashcard", "prompt": "accepted then edited", "back": "x"},
    ]
    assert describe_right_answer(existing[1]) == describe_right_answer(by_answer.question)
    left = {d.id for d in _drafts(seed, 3, existing=existing)}
    assert not left & {by_prompt.id, by_answer.id, by_id.id}
    assert left == {d.id for d in drafts} - {by_prompt.id, by_answer.id, by_id.id}


def test_prompts_compare_ignoring_case_accents_and_punctuation(seed):
    drafts = _drafts(seed, 3)
    card = next(d for d in drafts if d.question["prompt"] == "¿Qué es Flask?")
    existing = [
        {
            "id": "x",
            "type": "single_choice",
            "prompt": "que es FLASK",
            "choices": [{"text": "a", "correct": True}, {"text": "b"}],
        }
    ]
    assert card.id not in {d.id for d in _drafts(seed, 3, existing=existing)}


def test_drafting_is_stable_and_ids_do_not_depend_on_other_drafts(seed):
    first = [d.question for d in _drafts(seed, 3)]
    assert [d.question for d in _drafts(seed, 3)] == first


def test_the_bundled_course_drafts_from_bold_terms_lists_and_its_table():
    course = parse_course_markdown((BUNDLED / "course.md").read_text("utf-8"), "course.md")
    lesson = course.lessons[2]
    drafts = draft_questions(
        lesson.body_markdown,
        lesson_number=3,
        lesson_anchor=lesson.slug,
        course_markdown=[x.body_markdown for x in course.lessons],
    )
    rules = {d.rule for d in drafts}
    assert {"definition", "term", "comparison", "list", "table"} <= rules
    sections = {anchor for anchor, _ in [(d.section, 0) for d in drafts]}
    assert "flask-frente-a-django" in sections
    for draft in drafts:
        assert validate_question(draft.question) == [], draft.id


def test_drafts_dump_as_a_bank_that_parses_back(seed):
    questions = [d.question for d in _drafts(seed, 3)]
    parsed = parse_bank(dump_bank(questions, lesson=3), "drafts.yaml")
    assert parsed.errors == []
    assert [q["id"] for q in parsed.questions] == [q["id"] for q in questions]


def test_sections_and_paragraph_anchors():
    notes = (
        "Intro paragraph.\n\n"
        "## Una sección\n\nPrimero.\n\n- a\n- b\n\nSegundo.\n\n"
        "## Otra\n\nTercero.\n"
    )
    read = read_notes(notes, "clase-5")
    assert [(s.anchor, s.title) for s in read.sections] == [
        ("clase-5", None),
        ("una-seccion", "Una sección"),
        ("otra", "Otra"),
    ]
    assert [(b.text, b.paragraph) for b in read.blocks] == [
        ("Intro paragraph.", "clase-5-p-1"),
        ("Primero.", "una-seccion-p-1"),
        ("a", "una-seccion-p-2"),
        ("b", "una-seccion-p-2"),
        ("Segundo.", "una-seccion-p-3"),
        ("Tercero.", "otra-p-1"),
    ]
    assert paragraph_anchor(None, 2) == "p-2"


def test_a_bold_label_line_names_the_list_below_it(seed):
    read = read_notes(seed[2].body_markdown)
    assert [lst.label for lst in read.lists] == ["Ventajas"]
    # "Algunas diferencias con Django son:" names the list without its trailing verb.
    assert [lst.label for lst in read_notes(seed[3].body_markdown).lists] == [
        "Algunas diferencias con Django"
    ]
    # "**Ejemplo:**" before its text is a label, not part of the first sentence.
    assert any(block.text.startswith("Cuando utilizamos Google Drive") for block in read.blocks)


# --- seed lesson 2, and the types the drafter claims ----------------------------------------


def _by_type(drafts, kind):
    return [d.question for d in drafts if d.question["type"] == kind]


def test_seed_lesson_2_gives_at_least_five_valid_drafts_from_its_text(seed):
    drafts = _drafts(seed, 2)
    assert len(drafts) >= 5
    for draft in drafts:
        assert validate_question(draft.question) == [], draft.id
        assert draft.id.startswith("draft-2-")
        assert 0 < draft.confidence <= 1
        assert draft.section == "clase-2-como-funcionan-las-aplicaciones-web"
    assert len({d.question["type"] for d in drafts}) >= 4
    statements = {q["prompt"]: q["answer"] for q in _by_type(drafts, "true_false")}
    # "…pero esto no quiere decir que consume el procesamiento de tu dispositivo": turned
    # around, a false statement; the explanation keeps "Todo lo contrario, …".
    turned = next(q for q in _by_type(drafts, "true_false") if "quiere decir que" in q["prompt"])
    assert turned["answer"] is False
    assert "no quiere decir" not in turned["prompt"]
    assert "Todo lo contrario" in turned["explanation"]
    assert statements["Google Drive es una aplicación web."] is True
    label = "Según la lección, «{}» forma parte de «Ventajas»."
    assert statements[label.format("Dependes de un dispositivo en específico")] is False
    assert statements[label.format("Puedes acceder a tu información en cualquier momento y lugar")]
    cards = {q["prompt"]: q["back"] for q in _by_type(drafts, "flashcard")}
    assert cards["Según la lección, ¿qué hace el servidor?"] == (
        "Procesa la información obtenida por el navegador."
    )
    assert cards["¿Qué es Google Drive?"] == "Una aplicación web."
    (cloze,) = [q for q in _by_type(drafts, "cloze") if "Google" in yaml.safe_dump(q)]
    assert [b["answers"] for b in cloze["blanks"]] == [["Google Drive"], ["Google Docs"]]
    assert cloze["text"].startswith("Cuando utilizamos {{1}} el cual es una aplicación web")


def test_the_seed_drafts_every_type_the_drafter_claims(seed):
    kinds = {d.question["type"] for number in seed for d in _drafts(seed, number)}
    assert kinds == set(DRAFT_TYPES)
    lesson_3 = {d.question["type"] for d in _drafts(seed, 3)}
    # Clase 3 has no number in it; every other type comes out of it.
    assert lesson_3 == set(DRAFT_TYPES) - {"numeric"}


# --- the sentence rules, each on a small input --------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "language", "expected"),
    [
        (
            "No dependes de un dispositivo ya que todo está en la web.",
            "es",
            "Dependes de un dispositivo.",
        ),
        (
            "Puedes usarla en el móvil, pero esto no quiere decir que consume tu batería.",
            "es",
            "Puedes usarla en el móvil, y esto quiere decir que consume tu batería.",
        ),
        (
            "Flask does not include an ORM of its own.",
            "en",
            "Flask does include an ORM of its own.",
        ),
        ("Flask can't render PDF files by itself.", "en", "Flask can render PDF files by itself."),
        ("Flask no te ata a un sistema ni a una base de datos.", "es", None),  # two negatives
        ("No solo es rápido sino también sencillo.", "es", None),
        ("Django no trae ORM mientras que Flask sí.", "es", None),  # a comparison's job
        ("¿No es más sencillo usar Flask para esto?", "es", None),
        ("Esto no.", "es", None),
    ],
)
def test_a_negation_is_turned_around_into_a_false_statement(sentence, language, expected):
    assert turned_around(sentence, language) == expected


def test_negations_give_false_statements_with_their_paragraph_as_explanation():
    notes = (
        "## Datos\n\nLa aplicación no guarda tus archivos en tu equipo. Todo lo contrario, "
        "los sube a la nube.\n"
    )
    (draft,) = [d for d in draft_questions(notes, lesson_number=5) if d.rule == "negation"]
    assert draft.question["prompt"] == "La aplicación guarda tus archivos en tu equipo."
    assert draft.question["answer"] is False
    assert "Todo lo contrario, los sube a la nube." in draft.question["explanation"]


def test_what_a_subject_does_becomes_a_flashcard():
    notes = (
        "## Ciclo\n\nEl navegador envía la petición al servidor.\n\n"
        "Los servidores guardan los datos de todos los usuarios.\n\n"
        "El procesamiento ocurre en otra parte del mundo.\n\n"  # no object: no card
        "La información obtenida llega al cliente sin demora.\n\n"  # a participle
        "Las páginas web cargan rápido en cualquier equipo.\n"  # no object either
    )
    cards = {
        d.question["prompt"]: d.question["back"]
        for d in draft_questions(notes, lesson_number=5)
        if d.question["type"] == "flashcard"
    }
    assert cards == {
        "Según la lección, ¿qué hace el navegador?": "Envía la petición al servidor.",
        "Según la lección, ¿qué hacen los servidores?": "Guardan los datos de todos los usuarios.",
    }


def test_english_actions_ask_what_the_subject_does():
    notes = "## The cycle\n\nThe server processes the request and the browser shows it.\n"
    cards = [d.question for d in draft_questions(notes, lesson_number=5)]
    card = next(q for q in cards if q["type"] == "flashcard")
    assert card["prompt"] == "According to the lesson, what does the server do?"
    assert card["back"] == "Processes the request and the browser shows it."


def test_an_apposition_gives_a_flashcard_and_a_true_statement():
    notes = "## Ejemplo\n\nPara programar usamos Visual Studio Code, que es un editor de código.\n"
    drafts = draft_questions(notes, lesson_number=5)
    card = next(d.question for d in drafts if d.question["type"] == "flashcard")
    assert (card["prompt"], card["back"]) == ("¿Qué es Visual Studio Code?", "Un editor de código.")
    statement = next(d.question for d in drafts if d.question["type"] == "true_false")
    assert (statement["prompt"], statement["answer"]) == (
        "Visual Studio Code es un editor de código.",
        True,
    )
    cloze = next(d.question for d in drafts if d.question["type"] == "cloze")
    assert cloze["blanks"][0]["answers"] == ["Visual Studio Code"]
    # At a sentence's start, "Abre" would be taken for part of the name: no card then.
    opening = "## Ejemplo\n\nAbre Visual Studio Code, que es un editor de código.\n"
    assert not [d for d in draft_questions(opening, lesson_number=5) if d.rule == "definition"]


def test_items_under_a_short_label_give_true_false_drafts():
    notes = (
        "**Desventajas:**\n\n- Necesitas conexión a internet.\n"
        "- No puedes elegir dónde se guardan tus datos.\n\n"
        "**Cada interacción sigue un ciclo que se repite siempre:**\n\n"
        "- El cliente pide.\n- El servidor responde con la página.\n"
    )
    statements = {
        d.question["prompt"]: d.question["answer"]
        for d in draft_questions(notes, lesson_number=5)
        if d.question["type"] == "true_false"
    }
    assert statements == {
        "Según la lección, «Necesitas conexión a internet» forma parte de «Desventajas».": True,
        "Según la lección, «Puedes elegir dónde se guardan tus datos» forma parte de "
        "«Desventajas».": False,
    }
