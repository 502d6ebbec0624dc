"""The question editors: one form per question type that turns its fields into a raw
question dict (the bank format) and back; the registry validates it. QUESTION_FORMS is the
editor layer's per-type table."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from quizapp.author.question_form_base import (
    BlankRow,
    ChoiceRow,
    NumberAnswerRow,
    PairRow,
    QuestionForm,
    TextAnswerRow,
    WeightedChoiceRow,
    alternatives,
    clean,
    lines,
)
from quizapp.domain.questions.tables import per_type_table

KEEP_ORDER = _l("Keep the choices in this order (never shuffle them)")


def choice_order_field(keep_order: bool) -> dict[str, Any]:
    """The bank's `shuffle: false` when the box is ticked (absent otherwise, as the bank
    writes it)."""
    return {"shuffle": False} if keep_order else {}


class SingleChoiceForm(QuestionForm):
    type_name = "single_choice"
    label = _l("Single choice")
    row_lists = (("choices", 4),)
    choices = FieldList(FormField(ChoiceRow), label=_l("Choices"), min_entries=2)
    keep_order = BooleanField(KEEP_ORDER)

    def type_fields(self) -> dict[str, Any]:
        return {
            "choices": [
                {
                    "text": row["text"].strip(),
                    "correct": bool(row["correct"]),
                    "feedback": clean(row["feedback"]),
                }
                for row in self.choices.data
                if clean(row["text"])
            ],
            **choice_order_field(self.keep_order.data),
        }

    @classmethod
    def type_initial(cls, question: dict[str, Any]) -> dict[str, Any]:
        return {
            "choices": [
                dict(choice, feedback=choice["feedback"] or "") for choice in question["choices"]
            ],
            "keep_order": question.get("shuffle") is False,
        }


class MultipleResponseForm(QuestionForm):
    """Tick the right choices (they share the marks), or give weights as GIFT's %n%."""

    type_name = "multiple_response"
    label = _l("Multiple response")
    row_lists = (("choices", 4),)
    choices = FieldList(FormField(WeightedChoiceRow), label=_l("Choices"), min_entries=2)
    keep_order = BooleanField(KEEP_ORDER)

    def type_fields(self) -> dict[str, Any]:
        rows = [row for row in self.choices.data if clean(row["text"])]
        weighted = any(row["weight"] is not None for row in rows)
        choices = []
        for row in rows:
            choice: dict[str, Any] = {"text": row["text"].strip()}
            if weighted:
                choice["weight"] = row["weight"] or 0.0
            else:
                choice["correct"] = bool(row["correct"])
            choice["feedback"] = clean(row["feedback"])
            choices.append(choice)
        return {"choices": choices, **choice_order_field(self.keep_order.data)}

    @classmethod
    def type_initial(cls, question: dict[str, Any]) -> dict[str, Any]:
        return {
            "choices": [
                {
                    "text": c["text"],
                    "weight": c["weight"],
                    "correct": c["weight"] > 0,
                    "feedback": c["feedback"] or "",
                }
                for c in question["choices"]
            ],
            "keep_order": question.get("shuffle") is False,
        }


class TrueFalseForm(QuestionForm):
    type_name = "true_false"
    label = _l("True / false")
    answer = RadioField(
        _l("Right answer"),
        [InputRequired()],
        choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
    )
    feedback_true = StringField(_l("Feedback when the learner answers true"))
    feedback_false = StringField(_l("Feedback when the learner answers false"))

    def type_fields(self) -> dict[str, Any]:
        return {
            "answer": self.answer.data == "true",
            "feedback_true": clean(self.feedback_true.data),
            "feedback_false": clean(self.feedback_false.data),
        }

    @classmethod
    def type_initial(cls, question: dict[str, Any]) -> dict[str, Any]:
        return {
            "answer": "true" if question["answer"] else "false",
            "feedback_true": question.get("feedback_true") or "",
            "feedback_false": question.get("feedback_false") or "",
        }


class ShortAnswerForm(QuestionForm):
    type_name = "short_answer"
    label = _l("Short answer")
    row_lists = (("answers", 3),)
    answers = FieldList(FormField(TextAnswerRow), label=_l("Accepted answers"), min_entries=1)
    accent_insensitive = BooleanField(_l("Accept answers without accents"))
    case_sensitive = BooleanField(_l("Case matters (“Paris” is not “paris”)"))

    def type_fields(self) -> dict[str, Any]:
        fields = {
            "answers": [
                {
                    "text": row["text"].strip(),
                    "weight": 100.0 if row["weight"] is None else row["weight"],
                    "feedback": clean(row["feedback"]),
                }
                for row in self.answers.data
                if clean(row["text"])
            ],
            "accent_insensitive": bool(self.accent_insensitive.data),
        }
        if self.case_sensitive.data:  # said only when true, as the bank does
            fields["case_sensitive"] = True
        return fields

    @classmethod
    def type_initial(cls, question: dict[str, Any]) -> dict[str, Any]:
        return {
            "answers": [dict(a, feedback=a["feedback"] or "") for a in question["answers"]],
            "accent_insensitive": question["accent_insensitive"],
            "case_sensitive": bool(question.get("case_sensitive")),
        }


class NumericForm(QuestionForm):
    """Each row is a value ± tolerance, or a range from min to max."""

    type_name = "numeric"
    label = _l("Numeric")
    row_lists = (("answers", 2),)
    answers = FieldList(FormField(NumberAnswerRow), label=_l("Accepted numbers"), min_entries=1)

    def type_fields(self) -> dict[str, Any]:
        answers = []
        for row in self.answers.data:
            weight = 100.0 if row["weight"] is None else row["weight"]
            if row["value"] is not None:
                answer = {"value": row["value"], "tolerance": row["tolerance"] or 0.0}
            elif row["min"] is not None or row["max"] is not None:
                answer = {"min": row["min"], "max": row["max"]}
            else:
                continue
            answers.append({**answer, "weight": weight, "feedback": clean(row["feedback"])})
        return {"answers": answers}

    @classmethod
    def type_initial(cls, question: dict[str, Any]) -> dict[str, Any]:
        return {"answers": [dict(a, feedback=a["feedback"] or "") for a in question["answers"]]}


class MatchingForm(QuestionForm):
    type_name = "matching"
    label = _l("Matching")
    row_lists = (("pairs", 4),)
    pairs = FieldList(FormField(PairRow), label=_l("Pairs"), min_entries=2)
    distractors = TextAreaField(
        _l("Extra right-hand options (one per line)"), render_kw={"rows": 2}
    )

    def type_fields(self) -> dict[str, Any]:
        return {
            "pairs": [
                {"left": (row["left"] or "").strip(), "right": (row["right"] or "").strip()}
                for row in self.pairs.data
                if clean(row["left"]) or clean(row["right"])
            ],
            "distractors": lines(self.distractors.data),
        }

    @classmethod
    def type_initial(cls, question: dict[str, Any]) -> dict[str, Any]:
        return {
            "pairs": [dict(pair) for pair in question["pairs"]],
            "distractors": "\n".join(question.get("distractors") or []),
        }


class ClozeForm(QuestionForm):
    type_name = "cloze"
    label = _l("Cloze (fill in the blanks)")
    row_lists = (("blanks", 3),)
    text = TextAreaField(
        _l("Text with blanks written {{1}}, {{2}}…"), [DataRequired()], render_kw={"rows": 3}
    )
    blanks = FieldList(FormField(BlankRow), label=_l("Blanks"), min_entries=1)
    keep_order = BooleanField(
        _l("Keep each drop-down's options in this order (never shuffle them)")
    )

    def type_fields(self) -> dict[str, Any]:
        blanks = []
        for row in self.blanks.data:
            answers = alternatives(row["answers"])
            if not answers:
                continue
            options = alternatives(row["options"])
            blanks.append(
                {
                    "answers": answers,
                    "options": options or None,
                    "accent_insensitive": bool(row["accent_insensitive"]),
                }
            )
        return {
            "text": (self.text.data or "").strip(),
            "blanks": blanks,
            **choice_order_field(self.keep_order.data),
        }

    @classmethod
    def type_initial(cls, question: dict[str, Any]) -> dict[str, Any]:
        return {
            "text": question["text"],
            "blanks": [
                {
                    "answers": " | ".join(blank["answers"]),
                    "options": " | ".join(blank["options"] or []),
                    "accent_insensitive": blank["accent_insensitive"],
                }
                for blank in question["blanks"]
            ],
            "keep_order": question.get("shuffle") is False,
        }


class FlashcardForm(QuestionForm):
    type_name = "flashcard"
    label = _l("Flashcard")
    back = TextAreaField(_l("Back (Markdown)"), [DataRequired()], render_kw={"rows": 4})
    reverse = BooleanField(_l("Also study it back to front (a reverse card)"))

    def type_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"back": (self.back.data or "").strip()}
        if self.reverse.data:
            fields["reverse"] = True
        return fields

    @classmethod
    def type_initial(cls, question: dict[str, Any]) -> dict[str, Any]:
        return {"back": question["back"], "reverse": bool(question.get("reverse"))}


class EssayForm(QuestionForm):
    """Answered in free text and graded by hand from the grading queue."""

    type_name = "essay"
    label = _l("Essay (graded by hand)")
    max_words = IntegerField(
        _l("Word limit (optional)"), [Optional(), NumberRange(min=1, max=100_000)]
    )
    response_template = TextAreaField(
        _l("Response template (optional: the answer box starts with it)"),
        [Optional(), Length(max=20_000)],
        render_kw={"rows": 3},
    )
    grader_notes = TextAreaField(
        _l("Notes for graders (Markdown, optional; learners never see them)"),
        [Optional(), Length(max=20_000)],
        render_kw={"rows": 3},
    )

    def type_fields(self) -> dict[str, Any]:
        return {
            "max_words": self.max_words.data,
            "response_template": clean(self.response_template.data),
            "grader_notes": clean(self.grader_notes.data),
        }

    @classmethod
    def type_initial(cls, question: dict[str, Any]) -> dict[str, Any]:
        return {
            "max_words": question.get("max_words"),
            "response_template": question.get("response_template") or "",
            "grader_notes": question.get("grader_notes") or "",
        }


class DescriptionForm(QuestionForm):
    """An information item (a case text before questions): nothing to answer."""

    type_name = "description"
    label = _l("Description (information, not graded)")
    prompt = TextAreaField(_l("Text (Markdown)"), [DataRequired()], render_kw={"rows": 6})


QUESTION_FORMS: dict[str, type[QuestionForm]] = per_type_table(
    "editor form",
    {
        form.type_name: form
        for form in (
            SingleChoiceForm,
            MultipleResponseForm,
            TrueFalseForm,
            ShortAnswerForm,
            NumericForm,
            MatchingForm,
            ClozeForm,
            FlashcardForm,
            EssayForm,
            DescriptionForm,
        )
    },
)
