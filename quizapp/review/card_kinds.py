"""How the review page shows a card of each type: flipped and rated by the learner (a
flashcard), or answered and graded (an objective question). The review layer's per-type
table, so the card template never tests a type by name and a new type cannot be shown
without choosing its kind (tests/domain/test_type_tables.py)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from quizapp.domain.questions.tables import per_type_table


@dataclass(frozen=True)
class CardKind:
    label: LazyString
    # Shows its back on demand and takes the learner's own rating; otherwise the learner
    # answers it in the shared answer fields and the answer is graded.
    flips: bool


FLIPPED = CardKind(_l("Flashcard"), flips=True)
ANSWERED = CardKind(_l("Question"), flips=False)

# Only the types that become cards (QuestionType.in_deck): graded ones and self-rated ones.
CARD_KINDS: dict[str, CardKind] = per_type_table(
    "review card",
    {
        "single_choice": ANSWERED,
        "multiple_response": ANSWERED,
        "true_false": ANSWERED,
        "short_answer": ANSWERED,
        "numeric": ANSWERED,
        "matching": ANSWERED,
        "cloze": ANSWERED,
        "flashcard": FLIPPED,
    },
    scorings=("auto", "self"),
)
