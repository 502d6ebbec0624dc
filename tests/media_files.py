"""Files for the media tests, made on the spot: real images (Pillow), MP3 frames and Ogg
pages built byte by byte, and the bad ones (SVG, HTML named .png, a bomb, a cut file)."""

import io
import os
import struct
import zlib

from PIL import Image


def png(size=(40, 30), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def noise_png(width: int, height: int) -> bytes:
    """Random pixels do not compress: about 3 bytes a pixel."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, "PNG")
    return out.getvalue()


def png_with_text_chunk() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Ana secret-author")
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (40.0, 25.0, 0.0), 3: "W", 4: (3.0, 42.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return out.getvalue()


def animated_gif(frames=3) -> bytes:
    colours = [(255, 0, 0), (0, 160, 0), (0, 0, 255), (200, 200, 0)]
    images = [Image.new("RGB", (16, 16), colours[index % 4]) for index in range(frames)]
    out = io.BytesIO()
    images[0].save(
        out, "GIF", save_all=True, append_images=images[1:], duration=80, loop=0,
        comment=b"gif comment",
    )  # fmt: skip
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 24), (250, 200, 0)).save(out, "WEBP")
    return out.getvalue()


def pixel_bomb() -> bytes:
    """A PNG that is a few kilobytes on disk and 36 million pixels once decoded."""
    out = io.BytesIO()
    Image.new("1", (6000, 6000), 0).save(out, "PNG", optimize=True)
    return out.getvalue()


def header_bomb() -> bytes:
    """A valid PNG header that claims 100,000 × 100,000 pixels (CRC fixed up)."""
    data = bytearray(png((2, 2)))
    ihdr = 8  # after the signature: length(4) type(4) data(13) crc(4)
    data[ihdr + 8 : ihdr + 16] = struct.pack(">II", 100_000, 100_000)
    crc = zlib.crc32(bytes(data[ihdr + 4 : ihdr + 21]))
    data[ihdr + 21 : ihdr + 25] = struct.pack(">I", crc)
    return bytes(data)


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
HTML_AS_PNG = b"<!doctype html><html><script>alert(1)</script></html>"
# The PNG signature, then a page: sniffing browsers once ran these as HTML.
POLYGLOT = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"


def truncated_png() -> bytes:
    data = png((300, 300))
    return data[: len(data) // 2]


def png_with_html_appended() -> bytes:
    return png() + b"<html><script>alert(1)</script></html>"


def png_with_bytes_appended() -> bytes:
    return png() + b"trailing-secret" * 10


# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames.
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 413


def mp3(frames=6, id3_title: bytes | None = b"Secret title") -> bytes:
    tag = b""
    if id3_title is not None:
        frame = b"TIT2" + struct.pack(">I", len(id3_title) + 1) + b"\x00\x00\x00" + id3_title
        size = len(frame)
        synchsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
        tag = b"ID3\x03\x00\x00" + synchsafe + frame
    return tag + MP3_FRAME * frames


def _ogg_page(body: bytes, header_type: int, sequence: int) -> bytes:
    header = b"OggS" + bytes([0, header_type]) + b"\x00" * 8 + struct.pack("<II", 7, sequence)
    return header + b"\x00" * 4 + bytes([1, len(body)]) + body


def ogg_vorbis() -> bytes:
    identification = b"\x01vorbis" + b"\x00" * 23
    return _ogg_page(identification, 0x02, 0) + _ogg_page(b"\x03vorbis" + b"\x00" * 10, 0, 1)
