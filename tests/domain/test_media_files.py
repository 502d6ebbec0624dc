"""Specifications for check_media: what may become course media, what is refused and why,
and what is left of the file's metadata."""

import io

import pytest
from PIL import Image

from quizapp.domain.media_files import (
    EMPTY,
    NOT_ACCEPTED,
    NOT_DECODABLE,
    TOO_LARGE,
    TOO_MANY_PIXELS,
    MediaRefused,
    check_media,
)
from tests import media_files as files

LIMIT = 5 * 1024 * 1024


def test_a_png_is_accepted_and_named_by_its_hash():
    checked = check_media(files.png(), LIMIT)
    assert (checked.kind, checked.extension, checked.content_type) == ("image", "png", "image/png")
    assert (checked.width, checked.height) == (40, 30)
    assert checked.name == f"{checked.sha256}.png"
    assert len(checked.sha256) == 64
    with Image.open(io.BytesIO(checked.data)) as image:
        assert image.getpixel((0, 0)) == (200, 30, 30)


def test_the_same_picture_gets_the_same_name():
    assert check_media(files.png(), LIMIT).name == check_media(files.png(), LIMIT).name


def test_jpeg_loses_its_exif_gps_and_comment():
    original = files.jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(0x8825)  # the fixture does carry GPS
    checked = check_media(original, LIMIT)
    assert checked.extension == "jpg"
    assert b"PhoneMaker" not in checked.data
    assert b"secret comment" not in checked.data
    with Image.open(io.BytesIO(checked.data)) as image:
        assert not image.getexif()
        assert "comment" not in image.info


def test_png_text_chunks_are_dropped():
    checked = check_media(files.png_with_text_chunk(), LIMIT)
    assert b"secret-author" not in checked.data
    with Image.open(io.BytesIO(checked.data)) as image:
        assert "Author" not in image.info


def test_an_animated_gif_keeps_its_frames_and_loses_its_comment():
    checked = check_media(files.animated_gif(frames=3), LIMIT)
    assert checked.extension == "gif"
    assert b"gif comment" not in checked.data
    with Image.open(io.BytesIO(checked.data)) as image:
        assert image.n_frames == 3


def test_webp_is_accepted():
    assert check_media(files.webp(), LIMIT).content_type == "image/webp"


def test_bytes_appended_to_an_image_do_not_survive():
    checked = check_media(files.png_with_bytes_appended(), LIMIT)
    assert b"trailing-secret" not in checked.data


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", EMPTY),
        (files.SVG, NOT_ACCEPTED),
        (b"  \n" + files.SVG, NOT_ACCEPTED),
        (files.HTML_AS_PNG, NOT_ACCEPTED),
        (files.POLYGLOT, NOT_ACCEPTED),
        (files.png_with_html_appended(), NOT_ACCEPTED),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", NOT_ACCEPTED),
        (b"GIF89a\x00", NOT_ACCEPTED),
        (files.truncated_png(), NOT_DECODABLE),
        (files.pixel_bomb(), TOO_MANY_PIXELS),
        (files.header_bomb(), TOO_MANY_PIXELS),
        (b"ID3\x03\x00\x00\x00\x00\x00\x05hello", NOT_DECODABLE),
        (files.MP3_FRAME[:100], NOT_DECODABLE),
        (b"OggS\x00\x02" + b"\x00" * 40, NOT_ACCEPTED),
    ],
    ids=[
        "empty", "svg", "svg-after-spaces", "html-named-png", "png-signature-then-html",
        "png-then-html", "pdf",
        "gif-header-only", "truncated-png", "pixel-bomb", "header-bomb", "id3-without-audio",
        "one-cut-mp3-frame", "ogg-not-vorbis",
    ],
)  # fmt: skip
def test_files_that_are_not_whole_images_or_sounds_are_refused(data, code):
    with pytest.raises(MediaRefused) as refused:
        check_media(data, LIMIT)
    assert refused.value.code == code


def test_a_file_over_the_cap_is_refused_before_it_is_decoded():
    with pytest.raises(MediaRefused) as refused:
        check_media(files.png(), 100)
    assert refused.value.code == TOO_LARGE


def test_mp3_is_checked_by_its_frames_and_loses_its_id3_tag():
    checked = check_media(files.mp3(frames=6), LIMIT)
    assert (checked.kind, checked.content_type) == ("audio", "audio/mpeg")
    assert checked.data == files.MP3_FRAME * 6
    assert b"Secret title" not in checked.data


def test_mp3_without_a_tag_is_kept_as_it_is():
    assert check_media(files.mp3(id3_title=None), LIMIT).data == files.MP3_FRAME * 6


def test_ogg_vorbis_is_accepted_as_it_is():
    data = files.ogg_vorbis()
    checked = check_media(data, LIMIT)
    assert (checked.extension, checked.content_type, checked.data) == ("ogg", "audio/ogg", data)
