"""quizapp.kept.KeptValues: built once per key, the least recently used dropped first."""

from quizapp.kept import KeptValues


def test_a_value_is_built_once_per_key():
    built = []
    kept = KeptValues(limit=4)
    for _ in range(3):
        assert kept.get("a", lambda: built.append("a") or "A") == "A"
    assert built == ["a"]


def test_the_least_recently_used_goes_beyond_the_bound():
    kept = KeptValues(limit=2)
    kept.get(1, lambda: "one")
    kept.get(2, lambda: "two")
    kept.get(1, lambda: "rebuilt one")  # used again: 2 is now the oldest
    kept.get(3, lambda: "three")
    assert len(kept) == 2
    assert kept.get(1, lambda: "rebuilt one") == "one"
    assert kept.get(2, lambda: "rebuilt two") == "rebuilt two"
