"""The translation catalogues: a msgid written twice (two branches appending the same
English word for different meanings) compiles without complaint, and one meaning then
silently replaces the other on the page."""

import re
from collections import Counter
from pathlib import Path

import pytest

TRANSLATIONS = Path(__file__).resolve().parents[2] / "quizapp" / "translations"
MSGID = re.compile(r'^(msgctxt ".*"\n)?msgid ((?:".*"\n)+)', re.MULTILINE)


@pytest.mark.parametrize("language", ["es", "en"])
def test_no_msgid_is_written_twice(language):
    text = (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    counts = Counter(MSGID.findall(text))
    repeated = [msgid for (context, msgid), n in counts.items() if n > 1 and msgid != '""\n']
    assert repeated == []
