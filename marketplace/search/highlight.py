"""Matched words in <mark>, compared folded ("Tôm" is marked for "tom"), the rest HTML-escaped."""

from html import escape

from .analysis import folded_analyzer, prepare

SNIPPET_CHARS = 160
SURROUND = 50  # characters of context either side of a matched word
FRAGMENTS = 2


ANALYZER = folded_analyzer()


def _matches(text: str, words: set[str]) -> list[tuple[int, int]]:
    return [(t.startchar, t.endchar) for t in ANALYZER(text, chars=True) if t.text in words]


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out, cursor = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        out += [escape(text[cursor:a]), "<mark>", escape(text[a:b]), "</mark>"]
        cursor = b
    out.append(escape(text[cursor:end]))
    return "".join(out)


def highlight_title(title: str, words: set[str]) -> str:
    title = prepare(title)
    return _marked(title, _matches(title, words), 0, len(title))


def snippet(text: str, words: set[str]) -> str | None:
    """Up to two pieces of the description around its matched words, or None when none match."""
    text = prepare(text)
    spans = _matches(text, words)
    if not spans:
        return None
    windows: list[list[int]] = []
    for a, b in spans:
        low, high = max(0, a - SURROUND), min(len(text), b + SURROUND)
        if windows and low <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], high)
        elif len(windows) < FRAGMENTS:
            windows.append([low, high])
    pieces, room = [], SNIPPET_CHARS
    for low, high in windows:
        if room <= 0:
            break
        high = min(high, low + room)
        while low > 0 and text[low - 1].isalnum() and text[low].isalnum():  # whole words at the edges
            low += 1
        while high < len(text) and text[high].isalnum() and text[high - 1].isalnum() and high > low:
            high -= 1
        pieces.append(_marked(text, spans, low, high).strip())
        room -= high - low
    return " … ".join(p for p in pieces if p) or None
