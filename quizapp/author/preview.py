"""The editor's Markdown preview: the page's own rendering, led by what the author should
fix (formulas that are not LaTeX, images without a description or from elsewhere)."""

from flask_babel import lazy_gettext as _l
from markupsafe import escape

from quizapp.domain.rendering import (
    IMAGE_NOT_IN_MEDIA,
    IMAGE_WITHOUT_ALT,
    INVALID_MATH,
    render_content,
)

WARNINGS = {
    INVALID_MATH: _l("This formula is not valid LaTeX, so it is shown as code: %(detail)s"),
    IMAGE_WITHOUT_ALT: _l("An image or a sound has no description (alt text): %(detail)s"),
    IMAGE_NOT_IN_MEDIA: _l(
        "Only media uploaded to the course are shown; this image stays a link: %(detail)s"
    ),
}


def preview_html(text: str) -> str:
    rendered = render_content(text or "")
    if not rendered.warnings:
        return rendered.html
    items = "".join(
        f"<li>{escape(str(WARNINGS[warning.code]) % {'detail': warning.detail})}</li>"
        for warning in rendered.warnings
    )
    return (
        f'<div class="alert alert-warning" role="status"><ul class="mb-0">{items}</ul></div>'
        f"{rendered.html}"
    )
