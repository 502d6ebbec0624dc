"""Property: whatever Markdown a lesson holds, the drafter returns only valid drafts (or
none) and never raises."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.domain.drafting import draft_questions
from quizapp.domain.lesson_notes import read_notes
from quizapp.domain.questions.registry import validate_question

DRAFT_ID = re.compile(r"^draft-7-[0-9a-f]{8}$")

_VOCABULARY = (
    "Flask Django Python Jinja2 ORM MVC API REST Google Drive Docs el la los un una es son "
    "servidor servidores navegador procesa devuelve no dependes de que mientras whereas "
    "while is are the server processes a an tres veces 250 3,5 1.0 10% llamado known as "
    "ya que porque pero sin embargo el cual which is todo lo contrario no quiere decir "
    "{{1}} {{ }} « » “ ” : ; , . ? ¿ ! | - * ** _ ` # > [x](y) http://a.b/c 👍 ñ ü \\"
)
_WORDS = st.sampled_from(_VOCABULARY.split())
_UNICODE = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    max_size=20,
)
_PHRASE = st.lists(st.one_of(_WORDS, _WORDS, _WORDS, _UNICODE), min_size=1, max_size=14).map(
    " ".join
)


@st.composite
def _bold(draw) -> str:
    phrase = draw(_PHRASE)
    term = draw(_PHRASE)
    where = draw(st.sampled_from(("start", "label", "inside", "all")))
    if where == "start":
        return f"**{term}** es un {phrase}."
    if where == "label":
        return f"**{term}:** {phrase}"
    if where == "all":
        return f"**{phrase}**"
    return f"{phrase} **{term}** {draw(_PHRASE)}."


@st.composite
def _sentence(draw) -> str:
    a, b = draw(st.sampled_from(("Django", "Flask", "el servidor", "Python", "x"))), "Flask"
    kind = draw(st.integers(0, 6))
    phrase = draw(_PHRASE)
    return [
        lambda: f"{a} {phrase} mientras que {b} {draw(_PHRASE)}.",
        lambda: f"{a} tiene {phrase}, whereas {b} {draw(_PHRASE)}.",
        lambda: (
            f"Puede ser hasta {draw(st.sampled_from(('tres', 'diez', '42', '3,5')))} "
            f"veces {phrase}."
        ),
        lambda: f"No dependes de {phrase}, ya que {draw(_PHRASE)}.",
        lambda: f"El servidor procesa la {phrase}.",
        lambda: f"Cuando uses Google Drive el cual es una {phrase} y {draw(_PHRASE)}.",
        lambda: phrase,
    ][kind]()


@st.composite
def _block(draw) -> str:
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return f"{'#' * draw(st.integers(1, 4))} {draw(_PHRASE)}"
    if kind == 1:
        marker = draw(st.sampled_from(("-", "*", "1.")))
        items = draw(st.lists(st.one_of(_sentence(), _bold()), min_size=1, max_size=5))
        label = draw(st.one_of(st.just(""), _bold().map(lambda b: b + "  \n"), _PHRASE))
        return label + "\n".join(f"{marker} {item}" for item in items)
    if kind == 2:
        rows = draw(st.lists(st.lists(_WORDS, min_size=2, max_size=2), min_size=1, max_size=3))
        return "| a | b |\n|---|---|\n" + "\n".join(f"| {x} | {y} |" for x, y in rows)
    if kind == 3:
        return f"```\n{draw(_PHRASE)}\n```"
    if kind == 4:
        return draw(_UNICODE)
    parts = draw(st.lists(st.one_of(_sentence(), _bold(), _PHRASE), min_size=1, max_size=4))
    return draw(st.sampled_from((" ", "  \n", "\n"))).join(parts)


_MARKDOWN = st.lists(_block(), max_size=8).map("\n\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown=_MARKDOWN, other=_MARKDOWN, language_hint=st.booleans())
def test_any_markdown_drafts_only_valid_questions(markdown, other, language_hint):
    text = "The server is fast and the lesson is in English.\n\n" if language_hint else ""
    text += markdown
    drafts = draft_questions(
        text, lesson_number=7, lesson_anchor="clase-7", course_markdown=[text, other]
    )
    anchors = {section.anchor for section in read_notes(text, "clase-7").sections}
    for draft in drafts:
        assert validate_question(draft.question) == [], (draft.rule, draft.question)
        assert DRAFT_ID.match(draft.id)
        assert draft.section in anchors
        assert 0 < draft.confidence <= 1
    assert len({draft.id for draft in drafts}) == len(drafts)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400))
def test_any_text_at_all_never_raises(text):
    for draft in draft_questions(text, lesson_number=7, course_markdown=[text]):
        assert validate_question(draft.question) == []
