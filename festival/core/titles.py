"""Book-title marks (书名号) around a program's title. Pages and messages put 《》 around a
title themselves, so a title is stored without them: people often type them too, which
showed 《《金秋欢歌》》. Pure functions, no Flask."""

OPEN, CLOSE = "《", "》"


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char == OPEN:
            depth += 1
        elif char == CLOSE:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def bare_title(title: str | None) -> str:
    """The title without the book-title marks wrapped around all of it (any number of
    pairs, spaces inside them too); marks inside it (《黄河》选段, 《甲》与《乙》) stay."""
    text = (title or "").strip()
    while (
        len(text) >= 2 and text.startswith(OPEN) and text.endswith(CLOSE) and _balanced(text[1:-1])
    ):
        text = text[1:-1].strip()
    return text


def book_title(title: str | None) -> str:
    """The title as pages show it: 《title》, never with doubled marks; a title inside the
    title takes the single marks, as Chinese typesetting does (《〈黄河〉选段》)."""
    inner = bare_title(title).replace(OPEN, "〈").replace(CLOSE, "〉")
    return f"{OPEN}{inner}{CLOSE}"
