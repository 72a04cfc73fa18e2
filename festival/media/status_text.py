"""What a media's processing error says to people, in their language, by its code."""

from flask_babel import lazy_gettext as _l

ERROR_MESSAGES = {
    "not_media": _l("This file is not a video or audio file that can be played."),
}
GENERIC_ERROR = _l("The file could not be prepared for playing. Please upload it again.")


def media_error_message(code: str | None) -> str:
    """The message for a processing error's code (a general one for codes without their own)."""
    return str(ERROR_MESSAGES.get(code or "", GENERIC_ERROR))
