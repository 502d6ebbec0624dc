"""Anki packages: genanki decks and collections built here with sqlite3 (legacy schema with
`col.models` JSON, and the zstd `collection.anki21b` with note type tables and a protobuf
media map) become flashcard and cloze questions; hostile packages are refused."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest
import zstandard

from quizapp.domain.formats.anki_notes import notes_to_questions, question_id
from quizapp.domain.formats.anki_package import MAX_TOTAL_BYTES, PackageRefused, open_package
from quizapp.domain.formats.rich_text import html_to_markdown
from tests.media_files import png

# A real image: importing checks media by decoding it.
PNG = png()

# --- building packages -------------------------------------------------------------------

BASIC, REVERSED, CLOZE = 1001, 1002, 1003
LEGACY_MODELS = {
    str(BASIC): {
        "id": BASIC, "name": "Basic", "type": 0,
        "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
        "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": "{{Front}}"}],
    },
    str(REVERSED): {
        "id": REVERSED, "name": "Basic (and reversed card)", "type": 0,
        "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
        "tmpls": [
            {"name": "Card 1", "ord": 0, "qfmt": "{{Front}}"},
            {"name": "Card 2", "ord": 1, "qfmt": "{{Back}}"},
        ],
    },
    str(CLOZE): {
        "id": CLOZE, "name": "Cloze", "type": 1,
        "flds": [{"name": "Text", "ord": 0}, {"name": "Back Extra", "ord": 1}],
        "tmpls": [{"name": "Cloze", "ord": 0, "qfmt": "{{cloze:Text}}"}],
    },
}  # fmt: skip
NOTES = [
    # (note id, guid, model, fields, tags, card ords)
    (1, "guidBasic", BASIC, ["¿Capital de <b>Francia</b>?", "París"], "geo europa", [0]),
    (2, "guidRev", REVERSED, ["perro", 'dog <img src="dog.png">'], "", [0, 1]),
    (3, "guidCloze", CLOZE, ["{{c1::Flask}} usa {{c2::Jinja2::motor}}", "Extra"], "", [0, 1]),
]


def _collection(schema18: bool = False, revlog: list[tuple] = ()) -> bytes:
    connection = sqlite3.connect(":memory:")
    connection.executescript(
        """
        CREATE TABLE col (id integer primary key, crt integer, mod integer, scm integer,
          ver integer, dty integer, usn integer, ls integer, conf text, models text,
          decks text, dconf text, tags text);
        CREATE TABLE notes (id integer primary key, guid text, mid integer, mod integer,
          usn integer, tags text, flds text, sfld text, csum integer, flags integer, data text);
        CREATE TABLE cards (id integer primary key, nid integer, did integer, ord integer,
          mod integer, usn integer, type integer, queue integer, due integer, ivl integer,
          factor integer, reps integer, lapses integer, left integer, odue integer,
          odid integer, flags integer, data text);
        CREATE TABLE revlog (id integer primary key, cid integer, usn integer, ease integer,
          ivl integer, lastIvl integer, factor integer, time integer, type integer);
        """
    )
    models = "{}" if schema18 else json.dumps(LEGACY_MODELS)
    connection.execute(
        "INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, '{}', ?, '{}', '{}', '{}')", (models,)
    )
    if schema18:
        _note_type_tables(connection)
    for nid, guid, mid, fields, tags, ords in NOTES:
        connection.execute(
            "INSERT INTO notes VALUES (?, ?, ?, 0, 0, ?, ?, '', 0, 0, '')",
            (nid, guid, mid, f" {tags} ", "\x1f".join(fields)),
        )
        for ord_ in ords:
            connection.execute(
                "INSERT INTO cards VALUES (?, ?, 1, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                (nid * 10 + ord_, nid, ord_),
            )
    connection.executemany("INSERT INTO revlog VALUES (?, ?, 0, ?, 0, 0, 0, ?, ?)", revlog)
    connection.commit()
    return connection.serialize()


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, value: int | bytes) -> bytes:
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def _note_type_tables(connection: sqlite3.Connection) -> None:
    """Anki 2.1.50's schema 18: note types in tables, configs as protobuf."""
    connection.executescript(
        """
        CREATE TABLE notetypes (id integer primary key, name text, mtime_secs integer,
          usn integer, config blob);
        CREATE TABLE fields (ntid integer, ord integer, name text, config blob);
        CREATE TABLE templates (ntid integer, ord integer, name text, mtime_secs integer,
          usn integer, config blob);
        """
    )
    for model in LEGACY_MODELS.values():
        config = _field(1, 1) if model["type"] == 1 else b""  # kind: 1 = cloze
        connection.execute(
            "INSERT INTO notetypes VALUES (?, ?, 0, 0, ?)", (model["id"], model["name"], config)
        )
        for item in model["flds"]:
            connection.execute(
                "INSERT INTO fields VALUES (?, ?, ?, x'')", (model["id"], item["ord"], item["name"])
            )
        for item in model["tmpls"]:
            connection.execute(
                "INSERT INTO templates VALUES (?, ?, ?, 0, 0, ?)",
                (model["id"], item["ord"], item["name"], _field(1, item["qfmt"].encode())),
            )


def _package(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def legacy_package(revlog: list[tuple] = ()) -> bytes:
    return _package(
        {
            "collection.anki2": _collection(revlog=revlog),
            "media": json.dumps({"0": "dog.png"}).encode(),
            "0": PNG,
        }
    )


def latest_package() -> bytes:
    """What Anki 2.1.50+ writes: a zstd collection.anki21b, a zstd protobuf media map and
    zstd media files (and a stub collection.anki2 telling old clients to update)."""
    zstd = zstandard.ZstdCompressor()
    media_map = _field(1, _field(1, b"dog.png") + _field(2, len(PNG)))
    return _package(
        {
            "collection.anki2": _collection(),
            "collection.anki21b": zstd.compress(_collection(schema18=True)),
            "media": zstd.compress(media_map),
            "0": zstd.compress(PNG),
        }
    )


# --- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "source"),
    [(legacy_package(), "collection.anki2"), (latest_package(), "collection.anki21b")],
)
def test_basic_reversed_and_cloze_notes_become_questions(data, source):
    collection = open_package(data)
    assert collection.source == source
    assert collection.media == {"dog.png": PNG}
    result = notes_to_questions(collection)
    questions = {question["id"]: question for question, _ in result.questions}
    assert list(questions) == [
        question_id("guidBasic"),
        question_id("guidRev"),
        question_id("guidRev", "-reverse"),
        question_id("guidCloze", "-c1"),
        question_id("guidCloze", "-c2"),
    ]
    basic = questions[question_id("guidBasic")]
    assert basic["type"] == "flashcard"
    assert (basic["prompt"], basic["back"]) == ("¿Capital de **Francia**?", "París")
    assert basic["tags"] == ["geo", "europa"]
    reverse = questions[question_id("guidRev", "-reverse")]
    assert (reverse["prompt"], reverse["back"]) == ("dog ![dog.png](media:dog.png)", "perro")
    first, second = (
        questions[question_id("guidCloze", "-c1")],
        questions[question_id("guidCloze", "-c2")],
    )
    assert first["text"] == "{{1}} usa Jinja2"
    assert second["text"] == "Flask usa {{1}}"
    assert second["blanks"][0]["answers"] == ["Jinja2"]
    assert first["explanation"] == "Extra"
    assert result.card_of[question_id("guidRev", "-reverse")] == 21


def test_a_genanki_deck_reads_back_with_its_media(tmp_path: Path):
    image = tmp_path / "logo.png"
    image.write_bytes(PNG)
    deck = genanki.Deck(2059400110, "Curso")
    deck.add_note(
        genanki.Note(
            model=genanki.BASIC_MODEL, fields=['Front <img src="logo.png">', "Back"], tags=["t"]
        )
    )
    deck.add_note(genanki.Note(model=genanki.CLOZE_MODEL, fields=["A {{c1::b}} c", ""]))
    package = genanki.Package(deck)
    package.media_files = [str(image)]
    package.write_to_file(str(tmp_path / "deck.apkg"))
    collection = open_package((tmp_path / "deck.apkg").read_bytes())
    result = notes_to_questions(collection)
    assert [q["type"] for q, _ in result.questions] == ["flashcard", "cloze"]
    assert result.questions[0][0]["prompt"] == "Front ![logo.png](media:logo.png)"
    assert collection.media == {"logo.png": PNG}


def test_revlog_rows_are_read_in_time_order():
    collection = open_package(
        legacy_package(revlog=[(2000, 10, 3, 5000, 1), (1000, 10, 1, 900, 0)])
    )
    assert [(row["id"], row["ease"]) for row in collection.revlog] == [(1000, 1), (2000, 3)]


# --- refusing -----------------------------------------------------------------------------


def test_a_zip_bomb_is_refused():
    bomb = _package({"collection.anki2": _collection(), "padding": b"\x00" * (32 * 1024 * 1024)})
    with pytest.raises(PackageRefused, match="compressed suspiciously well"):
        open_package(bomb)


def test_a_package_larger_than_the_cap_when_unpacked_is_refused(monkeypatch):
    monkeypatch.setattr("quizapp.domain.formats.anki_package.MAX_TOTAL_BYTES", 1024)
    with pytest.raises(PackageRefused, match="unpacks to more than"):
        open_package(legacy_package())
    assert MAX_TOTAL_BYTES > 1024


def test_paths_that_climb_out_are_refused():
    with pytest.raises(PackageRefused, match=r"\.\./evil"):
        open_package(_package({"collection.anki2": _collection(), "../evil": b"x"}))
    media = json.dumps({"0": "../../etc/cron.d/x"}).encode()
    with pytest.raises(PackageRefused, match="media map names the path"):
        open_package(_package({"collection.anki2": _collection(), "media": media, "0": b"x"}))


def test_a_corrupted_database_is_refused():
    damaged = bytearray(_collection())
    damaged[120:4000] = b"\xff" * (4000 - 120)
    with pytest.raises(PackageRefused, match="collection.anki2"):
        open_package(_package({"collection.anki2": bytes(damaged)}))
    with pytest.raises(PackageRefused, match="not an SQLite database"):
        open_package(_package({"collection.anki2": b"hello"}))


def test_oversized_media_is_refused():
    with pytest.raises(PackageRefused, match="over"):
        open_package(legacy_package(), max_media_bytes=8)


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_what_is_not_a_zip_is_refused(data):
    with pytest.raises(PackageRefused, match="not an Anki package"):
        open_package(data)


def test_a_zip_without_a_collection_is_refused():
    with pytest.raises(PackageRefused, match="no Anki collection"):
        open_package(_package({"readme.txt": b"hi"}))


@pytest.mark.parametrize("text", ["dog.png", "https://example.com/x", "/etc/passwd"])
def test_fields_that_look_like_paths_or_urls_are_just_text(text):
    # BeautifulSoup warns about such markup; under filterwarnings=error that would raise.
    assert html_to_markdown(text) == text
