"""Room for text in a figure: the width a label needs, labels wrapped onto lines, and how many
legend columns fit. Estimates only (Liberation Sans / Arial metrics, in em); the exported bytes are
then fitted to their stated size exactly (:func:`ilp_core.reporting.export.figure_bytes`).
"""
from __future__ import annotations

import math

# Advance widths in em of Arial / Liberation Sans (metric-compatible), by character class.
_NARROW = set("iljI.,:;'|!f t()[]r-\u00b7")
_WIDE = set("mwMW@%\u2265\u2264")
_CAPITAL_OR_DIGIT_EM, _NARROW_EM, _WIDE_EM, _OTHER_EM = 0.67, 0.3, 0.86, 0.56
LINE = 1.25  # line height in em


def _em(char: str) -> float:
    if char in _NARROW:
        return _NARROW_EM
    if char in _WIDE:
        return _WIDE_EM
    return _CAPITAL_OR_DIGIT_EM if char.isupper() or char.isdigit() else _OTHER_EM


def text_width(text: str, font: float) -> float:
    """Estimated width in pixels of one line of ``text`` at ``font`` pixels (generous by a few percent)."""
    return sum(map(_em, text)) * font * 1.04


# Arial / Liberation Sans advance widths in em of what numbers are written with (digits are all 0.556)
_NUMBER_EM = {**dict.fromkeys("0123456789", 0.556), ",": 0.278, ".": 0.278, " ": 0.278, "-": 0.333}


def number_width(text: str, font: float) -> float:
    """Width in pixels of a number as an axis writes it ("1,460"): the font's own digit widths, where
    :func:`text_width`, made for names, allows 0.67 em for each digit."""
    return sum(_NUMBER_EM.get(char) or _em(char) for char in text) * font


def _pieces(word: str, width: float, font: float) -> list[str]:
    """``word`` cut into pieces of at most ``width`` pixels (at least one character each), in one pass:
    after its own "/" or "-" where the piece has one, else anywhere, with a hyphen added, as a word
    broken across lines is printed ("Dermatofibrosa-" / "rcoma")."""
    pieces, start, used, after = [], 0, 0.0, None  # after: where the piece may end at its own "/" or "-"
    hyphen = _em("-") * font * 1.04
    for i, char in enumerate(word):
        step = _em(char) * font * 1.04
        if used + step + (0 if char in "/-" else hyphen) > width and i > start:
            end = after if after is not None else i
            pieces.append(word[start:end] + ("" if after is not None else "-"))
            start, after = end, None
            used = text_width(word[start:i], font)
        used += step
        if char in "/-" and i + 1 < len(word):
            after = i + 1
    pieces.append(word[start:])
    return pieces


def wrapped(text: str, width: float, font: float) -> list[str]:
    """``text`` broken at spaces (and at its own line breaks) into lines of at most ``width`` pixels;
    a single word longer than the width is broken inside, so nothing is ever cut off.

    Examples
    --------
    >>> wrapped("Malignant peripheral nerve sheath tumour", 150, 12)
    ['Malignant peripheral', 'nerve sheath tumour']
    """
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            if text_width(word, font) > width:  # a word longer than a line: its pieces, each a line
                *whole, word = _pieces(word, width, font)
                if line:
                    lines.append(line)
                lines.extend(whole)
                line = ""
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, font) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def legend_columns(widths: list[float], available: float, symbol: float, gap: float) -> int:
    """How many legend entries fit side by side in ``available`` pixels, each ``symbol`` + its
    label + ``gap`` wide (Vega sizes every column to its widest entry, so the widest counts)."""
    if not widths:
        return 1
    entry = symbol + max(widths) + gap
    return max(1, min(len(widths), math.floor(available / entry)))
