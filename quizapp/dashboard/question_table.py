"""The instructor dashboard's question table as rows of display text, built in one pass.

The table has a row per question (hundreds in a big course) with its choices, and
rendering it was most of an uncached dashboard: per row, two `url_for` calls, a macro per
figure, a filter chain per choice and the same labels translated again. Here each cell
is formatted once, in plain Python, and the links come from one URL built per page
(`UrlPattern`, which the learner table's links use too); the template only places the
strings (and translates its labels once).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, url_for

from quizapp.domain.rendering import plain_text
from quizapp.services.item_analysis import QuestionStats, question_title

# Screen readers hear a choice's text after its figures, cut as `truncate(60)` did.
CHOICE_HINT_LENGTH = 60
# A question id no course has, as the placeholder of the page's URL patterns.
_PLACEHOLDER = 987654321
# What slugify writes (domain/slugs.py), none of which url_for quotes.
_PLAIN_SLUG = re.compile(r"[a-z0-9-]+")


@dataclass(frozen=True, slots=True)
class ChoiceCell:
    label: str  # A, B, ...
    is_correct: bool
    figure: str  # "12 (40 %)", or the count alone when there is no share
    hint: str  # the choice's text as one short line


@dataclass(frozen=True, slots=True)
class QuestionRow:
    question_id: int
    lesson_number: int
    title: str
    external_id: str
    type: str
    retired: bool
    edit_url: str | None  # None: the viewer may not edit (an assistant)
    regrade_url: str | None
    attempts: int
    facility: str
    discrimination: str
    too_few_attempts: int | None
    too_easy: bool
    too_hard: bool
    negative_discrimination: bool
    choices: tuple[ChoiceCell, ...]


class UrlPattern:
    """An endpoint's URL for any id from one `url_for`: the id (`key`, an int converter,
    nothing escaped) is the only part that changes; `values` are the other arguments,
    the same for every row. A `key` of the string converter (a lesson's slug) takes its
    value the same way when it holds only slugify's letters, digits and hyphens, which
    url_for writes as they are; any other value url_for builds (and quotes)."""

    def __init__(self, endpoint: str, key: str = "question_id", **values):
        self.endpoint, self.key, self.values = endpoint, key, values
        url = url_for(endpoint, **{key: _PLACEHOLDER}, **values)
        # The last one: the placeholder's digits could also be in a value before it.
        self.head, self.tail = url.rsplit(str(_PLACEHOLDER), 1)

    def __call__(self, row_id: int | str) -> str:
        if type(row_id) is int or _PLAIN_SLUG.fullmatch(row_id):
            return f"{self.head}{row_id}{self.tail}"
        return url_for(self.endpoint, **{self.key: row_id}, **self.values)


def figure(value: float | None, digits: int = 2) -> str:
    """A statistic with `digits` decimals, or a dash when there is none."""
    return "—" if value is None else f"{value:.{digits}f}"


@lru_cache(maxsize=8192)
def _choice_hint(text_md: str, leeway: int) -> str:
    text = plain_text(text_md)
    # Jinja's truncate filter, word-wise with its leeway, as the template had it.
    if len(text) <= CHOICE_HINT_LENGTH + leeway:
        return text
    return text[: CHOICE_HINT_LENGTH - 3].rsplit(" ", 1)[0] + "..."


def question_rows(questions: list[QuestionStats], can_edit: bool) -> list[QuestionRow]:
    """The rows of the table, in the order given (already sorted)."""
    percent = current_app.jinja_env.filters["percent"]
    leeway = current_app.jinja_env.policies["truncate.leeway"]
    edit = UrlPattern("author.edit_question") if can_edit else None
    regrade = UrlPattern("grading.regrade") if can_edit else None
    rows = []
    for item in questions:
        question, flags = item.question, item.flags
        rows.append(
            QuestionRow(
                question_id=question.id,
                lesson_number=item.lesson_number,
                title=question_title(question),
                external_id=question.external_id,
                type=question.type,
                retired=not question.is_active,
                edit_url=edit(question.id) if edit else None,
                regrade_url=regrade(question.id) if regrade else None,
                attempts=item.attempts,
                facility=figure(item.facility),
                discrimination=figure(item.discrimination),
                too_few_attempts=flags.too_few_attempts,
                too_easy=flags.too_easy,
                too_hard=flags.too_hard,
                negative_discrimination=flags.negative_discrimination,
                choices=tuple(
                    ChoiceCell(
                        label=choice.label,
                        is_correct=choice.is_correct,
                        figure=str(choice.count)
                        if choice.share is None
                        else f"{choice.count} ({percent(choice.share)})",
                        hint=_choice_hint(choice.text_md, leeway),
                    )
                    for choice in item.choices
                ),
            )
        )
    return rows
