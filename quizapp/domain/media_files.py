"""Checks an uploaded file before it may become course media: images must decode with
Pillow and are re-encoded (which drops EXIF/GPS, XMP, comments, text chunks and anything
appended to the file); sounds must parse as MP3 frames or an Ogg Vorbis/Opus stream.
Anything else — SVG, HTML, a renamed file, a truncated image, a decompression bomb — is
refused with a reason, before a byte is written."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizapp.domain import media_refs

if TYPE_CHECKING:  # Pillow loads with the first image checked: few requests upload one
    from PIL import Image

MAX_PIXELS = 25_000_000  # a 5000 × 5000 photo; a bomb claims far more
MAX_FRAMES = 500
MAX_ANIMATION_PIXELS = 100_000_000  # every frame of an animation together

_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
_MARKUP = re.compile(rb"<(?:svg|html|script|!doctype|\?xml|body|iframe)[\s>/]", re.IGNORECASE)
# Pillow only tries the decoders of the accepted formats, so nothing else is even parsed.
_PILLOW_FORMATS = tuple(_FORMATS)


class MediaRefused(ValueError):
    """A file that cannot be course media. `code` names the reason for the views'
    messages; `detail` is for logs and tests."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


# Reason codes.
TOO_LARGE = "too_large"
EMPTY = "empty"
NOT_ACCEPTED = "not_accepted"  # SVG, HTML, PDF…: a kind we never take
NOT_DECODABLE = "not_decodable"  # claims to be an image or sound and is not a whole one
TOO_MANY_PIXELS = "too_many_pixels"


@dataclass(frozen=True)
class CheckedMedia:
    data: bytes
    extension: str
    kind: str  # image | audio
    width: int | None = None
    height: int | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def name(self) -> str:
        return media_refs.stored_name(self.sha256, self.extension)

    @property
    def content_type(self) -> str:
        return media_refs.CONTENT_TYPES[self.extension]


def check_media(data: bytes, max_bytes: int) -> CheckedMedia:
    """The file as it will be stored, or MediaRefused. The kind comes from the bytes, never
    from the file name the uploader chose."""
    if not data:
        raise MediaRefused(EMPTY)
    if len(data) > max_bytes:
        raise MediaRefused(TOO_LARGE, f"{len(data)} bytes, at most {max_bytes}")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<", b"\xef\xbb\xbf<")) or _MARKUP.search(data):
        # SVG, HTML, XML, or a polyglot: a picture with a page inside it. (Re-encoding
        # would drop the page, but a file made to be both is refused outright.)
        raise MediaRefused(NOT_ACCEPTED, "markup (SVG, HTML or XML)")
    if data.startswith(b"OggS"):
        return _checked_ogg(data)
    if data.startswith(b"ID3") or _is_mp3_frame(data, 0):
        return _checked_mp3(data)
    return _checked_image(data)


# --- images ----------------------------------------------------------------------------------


def _checked_image(data: bytes) -> CheckedMedia:
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        # Pillow warns, then raises, past its own pixel limit; both are a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS) as image:
                return _reencoded(image)
        except MediaRefused:
            raise
        except UnidentifiedImageError as error:
            raise MediaRefused(NOT_ACCEPTED, str(error)[:200]) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise MediaRefused(TOO_MANY_PIXELS, str(error)[:200]) from None
        # A truncated or corrupt file fails while decoding, with whichever error the
        # decoder has for it.
        except (OSError, ValueError, SyntaxError, EOFError, IndexError) as error:
            raise MediaRefused(NOT_DECODABLE, str(error)[:200]) from None


def _reencoded(image: Image.Image) -> CheckedMedia:
    extension = _FORMATS[str(image.format)]
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise MediaRefused(TOO_MANY_PIXELS, f"{width}×{height}")
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_FRAMES or width * height * frames > MAX_ANIMATION_PIXELS:
        raise MediaRefused(TOO_MANY_PIXELS, f"{frames} frames of {width}×{height}")
    out = io.BytesIO()
    if frames > 1 and extension in ("gif", "webp"):
        _save_animation(image, extension, out)
    else:
        _save_still(image, extension, out)
    return CheckedMedia(out.getvalue(), extension, "image", width, height)


def _clean_copy(frame: Image.Image) -> Image.Image:
    """The pixels (and palette) without the file's metadata: Pillow's writers would copy
    `info` (EXIF, XMP, comments, text chunks) into the new file."""
    frame.load()
    copy = frame.copy()
    icc = frame.info.get("icc_profile")
    transparency = frame.info.get("transparency")
    copy.info = {}
    if icc:
        copy.info["icc_profile"] = icc  # colours, not who took the picture
    if transparency is not None:
        copy.info["transparency"] = transparency
    return copy


def _save_still(image: Image.Image, extension: str, out: io.BytesIO) -> None:
    from PIL import ImageOps

    # A phone's "rotate on display" flag lives in EXIF, which is dropped: turn the pixels.
    upright = ImageOps.exif_transpose(image) if extension in ("jpg", "webp") else image
    clean = _clean_copy(upright)
    if extension == "jpg":
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(
            out, "JPEG", quality=90, optimize=True, icc_profile=clean.info.get("icc_profile")
        )
    elif extension == "png":
        clean.save(out, "PNG", optimize=True)
    elif extension == "gif":
        clean.save(out, "GIF")
    else:
        clean.save(out, "WEBP", quality=90, lossless=image.info.get("lossless", False))


def _save_animation(image: Image.Image, extension: str, out: io.BytesIO) -> None:
    from PIL import ImageSequence

    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100))
        frames.append(_clean_copy(frame.convert("RGBA") if extension == "webp" else frame))
    first, rest = frames[0], frames[1:]
    options = {"save_all": True, "append_images": rest, "duration": durations}
    options["loop"] = image.info.get("loop", 0)
    if extension == "webp":
        first.save(out, "WEBP", quality=90, **options)
    else:
        first.save(out, "GIF", disposal=2, **options)


# --- sounds ----------------------------------------------------------------------------------

# MPEG audio: bitrates (kbit/s) per version/layer index and sample rates per version.
_BITRATES = {
    (3, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (3, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (3, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_BITRATES[(2, 3)] = _BITRATES[(2, 2)]
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_FRAMES_TO_SEE = 3  # consecutive frames, each where the previous one said it would end


def _mp3_frame_length(data: bytes, at: int) -> int | None:
    if at + 4 > len(data) or data[at] != 0xFF or data[at + 1] & 0xE0 != 0xE0:
        return None
    version = (data[at + 1] >> 3) & 0x3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    layer = 4 - ((data[at + 1] >> 1) & 0x3)  # 1, 2 or 3 (4: reserved)
    bitrate_index = data[at + 2] >> 4
    rate_index = (data[at + 2] >> 2) & 0x3
    if version == 1 or layer == 4 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = _BITRATES[(3 if version == 3 else 2, layer)][bitrate_index] * 1000
    rate = _SAMPLE_RATES[version][rate_index]
    padding = (data[at + 2] >> 1) & 0x1
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    per_frame = 144 if layer == 2 or version == 3 else 72
    return per_frame * bitrate // rate + padding


def _is_mp3_frame(data: bytes, at: int) -> bool:
    return _mp3_frame_length(data, at) is not None


def _checked_mp3(data: bytes) -> CheckedMedia:
    start = 0
    if data.startswith(b"ID3"):
        if len(data) < 10:
            raise MediaRefused(NOT_DECODABLE, "ID3 header cut short")
        size = 0
        for byte in data[6:10]:  # a "synchsafe" integer: 7 bits per byte
            size = (size << 7) | (byte & 0x7F)
        start = 10 + size + (10 if data[5] & 0x10 else 0)
    at = start
    for _frame in range(_FRAMES_TO_SEE):
        length = _mp3_frame_length(data, at)
        if not length:
            raise MediaRefused(NOT_DECODABLE, f"no MPEG audio frame at byte {at}")
        at += length
    # The ID3 tags (titles, pictures, comments) are metadata: the sound starts at the frames.
    end = len(data) - 128 if data[-128:-125] == b"TAG" else len(data)
    return CheckedMedia(data[start:end], "mp3", "audio")


def _checked_ogg(data: bytes) -> CheckedMedia:
    # The first page (27-byte header, segment table) must hold a Vorbis or Opus header.
    if len(data) < 28 or data[4] != 0 or not data[5] & 0x02:
        raise MediaRefused(NOT_DECODABLE, "not the first page of an Ogg stream")
    segments = data[26]
    body_start = 27 + segments
    body = data[body_start : body_start + sum(data[27:body_start])]
    if not (body.startswith(b"\x01vorbis") or body.startswith(b"OpusHead")):
        raise MediaRefused(NOT_ACCEPTED, "an Ogg stream that is neither Vorbis nor Opus")
    if data.find(b"OggS", body_start) < 0:
        raise MediaRefused(NOT_DECODABLE, "a single Ogg page: no sound follows the header")
    return CheckedMedia(data, "ogg", "audio")
