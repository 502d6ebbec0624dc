"""Generated course content: lesson notes and questions of every type, as the normalised
dicts of docs/bank-format.md, so the bench exercises the same shapes real banks have."""

import random
from typing import Any

from quizapp.domain.questions.registry import normalise_question, validate_question

# One lesson: 12 gradable questions (a quiz draws 10 of them) and 3 flashcards.
LESSON_KINDS = (
    ["single_choice"] * 4
    + ["multiple_response"] * 2
    + ["true_false"] * 2
    + ["short_answer", "numeric", "matching", "cloze"]
    + ["flashcard"] * 3
)
QUESTIONS_PER_LESSON = len(LESSON_KINDS)
GRADABLE_PER_LESSON = sum(kind != "flashcard" for kind in LESSON_KINDS)
QUIZ_SIZE = 10

WORDS = [
    "Flask",
    "ruta",
    "plantilla",
    "Jinja",
    "Werkzeug",
    "petición",
    "respuesta",
    "sesión",
    "blueprint",
    "contexto",
    "aplicación",
    "servidor",
    "cliente",
    "formulario",
    "validación",
    "consulta",
    "modelo",
    "migración",
    "vista",
    "decorador",
    "extensión",
    "configuración",
    "despliegue",
    "prueba",
    "caché",
    "cookie",
    "cabecera",
    "método",
    "estado",
    "JSON",
    "API",
    "token",
    "usuario",
]


def sentence(rng: random.Random, words: int = 12) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def lesson_notes(rng: random.Random, number: int) -> str:
    """About 4 KB of Markdown: headings, paragraphs, a list and a code block."""
    parts = [f"Notas de la clase {number}.\n"]
    for section in range(1, 5):
        parts.append(f"## Sección {section}\n")
        parts.append(" ".join(sentence(rng, 14) for _ in range(5)) + "\n")
        parts.append("\n".join(f"- **{rng.choice(WORDS)}**: {sentence(rng, 8)}" for _ in range(4)))
        parts.append(
            "\n```python\nfrom flask import Flask\n\napp = Flask(__name__)\n\n"
            f"@app.route('/s{section}')\ndef vista():\n    return 'hola {section}'\n```\n"
        )
    return "\n".join(parts)


def _choices(rng: random.Random, count: int, right: set[int]) -> list[dict[str, Any]]:
    return [
        {
            "text": f"Opción {chr(65 + i)}: {sentence(rng, 5)}",
            "correct": i in right,
            "feedback": sentence(rng, 6) if i in right else None,
        }
        for i in range(count)
    ]


def raw_question(kind: str, external_id: str, rng: random.Random) -> dict[str, Any]:
    """A raw (YAML-shaped) question of `kind` with plausible Spanish text."""
    question: dict[str, Any] = {
        "id": external_id,
        "type": kind,
        "prompt": f"**{external_id}** — {sentence(rng, 16)} ¿Qué ocurre con `{rng.choice(WORDS)}`?",
        "explanation": sentence(rng, 18),
        "tags": [rng.choice(WORDS).lower() for _ in range(2)],
    }
    number = rng.randint(1, 99)
    if kind == "single_choice":
        question["choices"] = _choices(rng, 4, {rng.randrange(4)})
    elif kind == "multiple_response":
        question["choices"] = _choices(rng, 5, set(rng.sample(range(5), 2)))
    elif kind == "true_false":
        question["answer"] = rng.random() < 0.5
    elif kind == "short_answer":
        question["answers"] = [f"respuesta {number}", f"la respuesta {number}"]
        question["accent_insensitive"] = True
    elif kind == "numeric":
        question["answer"] = number + 0.5
        question["tolerance"] = 0.1
    elif kind == "matching":
        question["pairs"] = [
            {"left": f"{w} {number}", "right": f"def {i}"}
            for i, w in enumerate(rng.sample(WORDS, 4))
        ]
        question["distractors"] = ["ninguna"]
    elif kind == "cloze":
        question["text"] = f"Flask usa {{{{1}}}} para las plantillas ({number})."
        question["blanks"] = [{"answers": ["Jinja"], "options": ["Jinja", "Mako", "ERB"]}]
    elif kind == "flashcard":
        question["back"] = sentence(rng, 20)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return question


def make_question(
    kind: str, external_id: str, rng: random.Random, validate: bool = True
) -> dict[str, Any]:
    """The normalised question; a generator bug shows up here, not as a bench error."""
    question = normalise_question(raw_question(kind, external_id, rng))
    problems = validate_question(question) if validate else []
    if problems:
        raise AssertionError(f"generated question {external_id} is invalid: {problems}")
    return question


def import_bank(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` questions for the GIFT import timing, cycling through the gradable kinds
    (GIFT has no flashcards). The first of each kind is validated: the rest share its
    shape, and validating 10,000 would cost longer than importing them."""
    rng = random.Random(seed)
    kinds = [kind for kind in LESSON_KINDS if kind != "flashcard"]
    return [
        make_question(kinds[i % len(kinds)], f"imp-{i:06d}", rng, validate=i < len(kinds))
        for i in range(count)
    ]
