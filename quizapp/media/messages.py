"""What a refused upload tells the instructor (the page, the editor and the API)."""

from flask_babel import gettext as _

from quizapp.domain import media_files
from quizapp.domain.media_files import MediaRefused


def refusal_message(refused: MediaRefused, max_bytes: int) -> str:
    messages = {
        media_files.EMPTY: _("The file is empty."),
        media_files.TOO_LARGE: _(
            "The file is too large: at most %(size)s MiB.", size=f"{max_bytes / 1048576:g}"
        ),
        media_files.NOT_ACCEPTED: _(
            "Only PNG, JPEG, GIF and WebP images and MP3 and OGG sounds are accepted "
            "(not SVG, HTML or other files)."
        ),
        media_files.NOT_DECODABLE: _(
            "The file is damaged or incomplete: it could not be read as an image or a sound."
        ),
        media_files.TOO_MANY_PIXELS: _(
            "The image has too many pixels (at most %(count)s million).",
            count=media_files.MAX_PIXELS // 1_000_000,
        ),
    }
    return messages[refused.code]


def refusal_status(refused: MediaRefused) -> int:
    return 413 if refused.code == media_files.TOO_LARGE else 422
