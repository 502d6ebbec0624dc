"""The answer forms' classes, kept per worker: a class is made from a question layout
(the quiz's answers, a review card's question), and making one and binding its fields the
first time cost more than the rest of the page's Python. The quiz page, every autosave
and the review page (its view and the answer it posts) ask for the same classes again."""

from collections.abc import Callable, Hashable

from quizapp.kept import KeptValues

FORM_CLASSES_KEPT = 512
_form_classes: KeptValues[type] = KeptValues(FORM_CLASSES_KEPT)


def kept_form_class(key: Hashable, make: Callable[[], type]) -> type:
    """The form class kept under `key`, which must name everything its fields are made
    from, or the one `make` builds, then kept; the least recently used goes beyond
    FORM_CLASSES_KEPT."""
    return _form_classes.get(key, make)
