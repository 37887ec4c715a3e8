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


def text_width(text: str, font: float) -> float:
    """Estimated width in pixels of one line of ``text`` at ``font`` pixels (generous by a few percent)."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += _NARROW_EM
        elif char in _WIDE:
            em += _WIDE_EM
        elif char.isupper() or char.isdigit():
            em += _CAPITAL_OR_DIGIT_EM
        else:
            em += _OTHER_EM
    return em * font * 1.04


def wrapped(text: str, width: float, font: float) -> list[str]:
    """``text`` broken at spaces (and at its own line breaks) into lines of at most ``width`` pixels;
    a single word longer than the width is broken inside, so nothing is ever cut off."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split(" "):
            while text_width(word, font) > width and len(word) > 1:  # a word longer than a line
                cut = max(1, max(k for k in range(1, len(word) + 1) if text_width(word[:k], font) <= width or k == 1))
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:cut])
                word = word[cut:]
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
