"""The answer forms' classes, kept per worker: a class is made from a question layout
(the quiz's answers, a review card's question), and making one and binding its fields the
first time cost more than the rest of the page's Python. The quiz page, every autosave
and the review page (its view and the answer it posts) ask for the same classes again."""

from collections import OrderedDict
from collections.abc import Callable, Hashable

FORM_CLASSES_KEPT = 512
_form_classes: OrderedDict[Hashable, type] = OrderedDict()


def kept_form_class(key: Hashable, make: Callable[[], type]) -> type:
    """The form class kept under `key`, which must name everything its fields are made
    from, or the one `make` builds, then kept; the least recently used goes beyond
    FORM_CLASSES_KEPT."""
    form_class = _form_classes.get(key)
    if form_class is None:
        form_class = make()
        _form_classes[key] = form_class
        if len(_form_classes) > FORM_CLASSES_KEPT:
            _form_classes.popitem(last=False)
    else:
        _form_classes.move_to_end(key)
    return form_class
