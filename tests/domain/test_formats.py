"""Specifications for the formats table: one row per format, detection by name and content."""

import pytest

from quizapp.domain.formats.registry import (
    FORMATS,
    detect_format,
    exportable,
    get_format,
    importable,
)

ANKI_EXPORT = b"#separator:tab\n#html:true\n#tags column:3\nFront\tBack\ttag\n"


def test_every_row_can_be_read_or_written_and_names_are_unique():
    names = [fmt.name for fmt in FORMATS]
    assert len(names) == len(set(names))
    for fmt in FORMATS:
        assert fmt.parse is not None or fmt.write is not None, fmt.name
        assert fmt.extensions, fmt.name
        assert all(ext == ext.lower() and ext.startswith(".") for ext in fmt.extensions)
        assert all((fmt.label, fmt.carries, fmt.media_type)), fmt.name


def test_the_table_holds_the_formats_the_product_exchanges():
    assert {"gift", "yaml", "csv"} <= {fmt.name for fmt in importable()}
    assert {"gift", "yaml", "csv", "apkg"} <= {fmt.name for fmt in exportable()}


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("bank.yaml", "yaml"),
        ("bank.YML", "yaml"),
        ("moodle.gift", "gift"),
        ("notes.txt", "gift"),
        ("cards.csv", "csv"),
        ("cards.tsv", "csv"),
    ],
)
def test_the_extension_names_the_format(filename, expected):
    assert detect_format(filename, b"whatever\n").name == expected


def test_an_anki_text_export_named_txt_is_anki_text_not_gift():
    assert detect_format("Deck.txt", ANKI_EXPORT).name == "csv"
    assert detect_format("Deck.txt", b"\xef\xbb\xbf" + ANKI_EXPORT).name == "csv"


def test_a_txt_file_without_anki_headers_stays_gift():
    assert detect_format("quiz.txt", b"// a comment\n::T:: Q {=a ~b}\n").name == "gift"
    assert detect_format("quiz.txt", b"#not an anki header\n").name == "gift"


def test_content_does_not_override_an_unshared_extension():
    assert detect_format("bank.yaml", ANKI_EXPORT).name == "yaml"


def test_a_file_without_an_extension_is_recognised_by_its_headers_or_not_at_all():
    assert detect_format("upload", ANKI_EXPORT).name == "csv"
    assert detect_format("upload", b"questions: []\n") is None


def test_an_anki_text_file_parses_through_its_row():
    parsed = detect_format("Deck.txt", ANKI_EXPORT).parse(ANKI_EXPORT.decode(), "Deck.txt")
    assert parsed.errors == []
    [(card, line)] = parsed.questions
    assert (card["prompt"], card["back"], card["tags"], line) == ("Front", "Back", ["tag"], 4)


def test_moodle_xml_and_anki_packages_are_detected_by_extension_and_content():
    assert detect_format("questions.xml", b"<?xml").name == "moodle-xml"
    assert detect_format("deck.apkg", b"PK\x03\x04").name == "apkg"
    assert detect_format("collection.colpkg", b"PK\x03\x04").name == "apkg"
    assert detect_format("upload", b"PK\x03\x04rest").name == "apkg"
    assert get_format("moodle-xml") in exportable()
