"""Open an Anki `.apkg`/`.colpkg` safely: the zip, its collection database and its media.

A package is a zip holding a SQLite collection — `collection.anki21b` (zstd-compressed,
Anki 2.1.50+), `collection.anki21` or `collection.anki2` (read in that order of
preference) — a `media` map (JSON in legacy packages; zstd-compressed protobuf in newer
ones) and the media files named `0`, `1`… (zstd-compressed in newer packages). The
collection is read with the standard `sqlite3` module from memory (`deserialize`) after
`zstandard` decompressed it. Zip bombs (total size, compression ratio), paths with `..`,
databases that are not SQLite and oversized media are refused with a message."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import zstandard

COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # everything in the zip, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, per entry bigger than 1 MiB
MAX_ENTRIES = 50_000
DEFAULT_MAX_MEDIA_BYTES = 5 * 1024 * 1024
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class PackageRefused(Exception):
    """The file is not a package QuizApp will read; the message says why, for the user."""


@dataclass
class Collection:
    """The parts of an Anki collection an import needs, as plain rows."""

    source: str  # which collection file was read
    note_types: dict[int, dict]  # id → {"name", "cloze": bool, "fields": [...], "templates": [...]}
    notes: list[dict]  # {"id", "guid", "mid", "tags": [...], "fields": [...]}
    cards: list[dict]  # {"id", "nid", "ord"}
    revlog: list[dict]  # {"id" (ms), "cid", "ease", "time" (ms), "type"}
    media: dict[str, bytes] = field(default_factory=dict)


def open_package(data: bytes, max_media_bytes: int = DEFAULT_MAX_MEDIA_BYTES) -> Collection:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise PackageRefused("not an Anki package (the file is not a zip archive)") from None
    with archive:
        _check_entries(archive)
        name = next((n for n in COLLECTIONS if n in archive.namelist()), None)
        if name is None:
            raise PackageRefused("no Anki collection in the package (collection.anki2/21/21b)")
        raw = _read(archive, name)
        if name.endswith("b"):
            raw = _unzstd(raw, MAX_TOTAL_BYTES, f"{name} is not zstd data")
        collection = read_collection(raw, name)
        collection.media = _media(archive, max_media_bytes)
    return collection


def _check_entries(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise PackageRefused(f"the package holds more than {MAX_ENTRIES} files")
    total = 0
    for entry in entries:
        path = PurePosixPath(entry.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts:
            raise PackageRefused(f"refused: the package contains the path {entry.filename!r}")
        total += entry.file_size
        big = entry.file_size > 1024 * 1024
        if big and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise PackageRefused(f"refused: {entry.filename!r} is compressed suspiciously well")
    if total > MAX_TOTAL_BYTES:
        raise PackageRefused(f"refused: the package unpacks to more than {_mib(MAX_TOTAL_BYTES)}")


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name) as handle:
            data = handle.read(MAX_TOTAL_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise PackageRefused(f"the package is damaged ({name}: {exc})") from None
    if len(data) > MAX_TOTAL_BYTES:
        raise PackageRefused(f"refused: {name} unpacks to more than {_mib(MAX_TOTAL_BYTES)}")
    return data


def _unzstd(data: bytes, limit: int, message: str) -> bytes:
    """Decompress at most `limit` bytes: a zstd frame can claim any size, so read in a
    stream and stop past the limit."""
    if not data.startswith(_ZSTD_MAGIC):
        raise PackageRefused(message)
    try:
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as reader:
            out = reader.read(limit + 1)
    except zstandard.ZstdError as exc:
        raise PackageRefused(f"{message} ({exc})") from None
    if len(out) > limit:
        raise PackageRefused(f"refused: compressed data unpacks to more than {_mib(limit)}")
    return out


# --- the collection --------------------------------------------------------------------


def read_collection(raw: bytes, name: str) -> Collection:
    """Read a collection database from its bytes; never writes anywhere."""
    if not raw.startswith(b"SQLite format 3\x00"):
        raise PackageRefused(f"{name} is not an SQLite database (corrupted package?)")
    if raw[18:20] == b"\x02\x02":
        # Anki keeps its collection in WAL mode and exports it so (header bytes 18-19 = 2);
        # SQLite cannot open a WAL database from memory ("unable to open database file").
        # An exported file has no WAL beside it, so it reads the same as a rollback one.
        raw = raw[:18] + b"\x01\x01" + raw[20:]
    connection = sqlite3.connect(":memory:")
    # Anki 2.1.28+ indexes note type, field and template names with its own `unicase`
    # collation; without it the integrity check and those tables cannot be read.
    connection.create_collation("unicase", _unicase)
    try:
        connection.deserialize(raw)
        connection.execute("PRAGMA trusted_schema = OFF")
        if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise PackageRefused(f"{name} is a corrupted SQLite database")
        return Collection(
            source=name,
            note_types=_note_types(connection),
            notes=_notes(connection),
            cards=[
                {"id": cid, "nid": nid, "ord": ord_}
                for cid, nid, ord_ in connection.execute("SELECT id, nid, ord FROM cards")
            ],
            revlog=[
                {"id": rid, "cid": cid, "ease": ease, "time": time, "type": kind}
                for rid, cid, ease, time, kind in connection.execute(
                    "SELECT id, cid, ease, time, type FROM revlog ORDER BY id"
                )
            ],
        )
    except sqlite3.DatabaseError as exc:
        raise PackageRefused(f"{name} cannot be read as an Anki collection ({exc})") from None
    finally:
        connection.close()


def _unicase(left: str, right: str) -> int:
    """Anki's `unicase`: names compared case-insensitively (Unicode case folding)."""
    a, b = left.casefold(), right.casefold()
    return (a > b) - (a < b)


def _notes(connection: sqlite3.Connection) -> list[dict]:
    rows = connection.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
    return [
        {
            "id": nid,
            "guid": str(guid),
            "mid": mid,
            "tags": str(tags or "").split(),
            "fields": str(flds or "").split("\x1f"),
        }
        for nid, guid, mid, tags, flds in rows
    ]


def _note_types(connection: sqlite3.Connection) -> dict[int, dict]:
    """Legacy collections keep note types as JSON in `col.models`; schema 18 (anki21b) in
    the `notetypes`, `fields` and `templates` tables with protobuf configs."""
    row = connection.execute("SELECT models FROM col").fetchone()
    models = json.loads(row[0]) if row and row[0] and row[0] not in ("{}", "") else {}
    if models:
        return {
            int(mid): {
                "name": str(model.get("name", "")),
                "cloze": model.get("type") == 1,
                "fields": [f.get("name", "") for f in sorted(model["flds"], key=_ord)],
                "templates": [t.get("qfmt", "") for t in sorted(model["tmpls"], key=_ord)],
            }
            for mid, model in models.items()
        }
    types: dict[int, dict] = {}
    for ntid, name, config in connection.execute("SELECT id, name, config FROM notetypes"):
        kind = _proto_fields(config or b"").get(1, [0])[0]
        types[ntid] = {"name": str(name), "cloze": kind == 1, "fields": [], "templates": []}
    # Anki's export keeps only the note types its notes use but may leave the fields and
    # templates of others (a real 23.10+ package does): those rows belong to nothing.
    for ntid, _, name in connection.execute(
        "SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"
    ):
        if ntid in types:
            types[ntid]["fields"].append(str(name))
    for ntid, _, config in connection.execute(
        "SELECT ntid, ord, config FROM templates ORDER BY ntid, ord"
    ):
        if ntid in types:
            qfmt = _proto_fields(config or b"").get(1, [b""])[0]
            types[ntid]["templates"].append(qfmt.decode("utf-8", "replace"))
    return types


def _ord(item: dict) -> int:
    return int(item.get("ord", 0))


# --- media -------------------------------------------------------------------------------


def _media(archive: zipfile.ZipFile, max_media_bytes: int) -> dict[str, bytes]:
    if "media" not in archive.namelist():
        return {}
    raw = _read(archive, "media")
    names = _media_names(raw)
    media: dict[str, bytes] = {}
    for entry, name in names.items():
        clean = PurePosixPath(name.replace("\\", "/"))
        if clean.is_absolute() or ".." in clean.parts or len(clean.parts) != 1:
            raise PackageRefused(f"refused: the media map names the path {name!r}")
        if entry not in archive.namelist():
            continue
        info = archive.getinfo(entry)
        if info.file_size > max_media_bytes:
            raise PackageRefused(f"refused: media file {name!r} is over {_mib(max_media_bytes)}")
        data = _read(archive, entry)
        if data.startswith(_ZSTD_MAGIC):
            data = _unzstd(data, max_media_bytes, f"media file {name!r} is damaged")
        if len(data) > max_media_bytes:
            raise PackageRefused(f"refused: media file {name!r} is over {_mib(max_media_bytes)}")
        media[name] = data
    return media


def _media_names(raw: bytes) -> dict[str, str]:
    """Zip entry → file name: `{"0": "a.jpg"}` JSON, or a zstd protobuf `MediaEntries`
    (repeated entries {1: name, 2: size, 3: sha1}) whose position is the entry name."""
    if raw.startswith(_ZSTD_MAGIC):
        entries = _proto_fields(_unzstd(raw, MAX_TOTAL_BYTES, "the media map is damaged"))
        names = {}
        for index, entry in enumerate(entries.get(1, [])):
            name = _proto_fields(entry).get(1, [b""])[0]
            names[str(index)] = name.decode("utf-8", "replace")
        return names
    try:
        mapping = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageRefused("the package's media map cannot be read") from None
    if not isinstance(mapping, dict):
        raise PackageRefused("the package's media map cannot be read")
    return {str(key): str(value) for key, value in mapping.items()}


def _proto_fields(data: bytes) -> dict[int, list]:
    """The fields of a protobuf message without its schema: varints as ints, length-
    delimited fields as bytes (fixed-width ones are skipped). Enough for the few values an
    import reads (note type kind, template text, media names)."""
    fields: dict[int, list] = {}
    index = 0
    try:
        while index < len(data):
            key, index = _varint(data, index)
            number, wire = key >> 3, key & 7
            if wire == 0:
                value, index = _varint(data, index)
            elif wire == 2:
                size, index = _varint(data, index)
                value, index = data[index : index + size], index + size
            elif wire in (1, 5):
                index += 8 if wire == 1 else 4
                continue
            else:
                break
            fields.setdefault(number, []).append(value)
    except IndexError:
        raise PackageRefused("a protobuf part of the package is damaged") from None
    return fields


def _varint(data: bytes, index: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[index]
        index += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, index
        shift += 7
