"""What a user can change in a curve figure, as Prism or ggsurvfit users expect: titles, the time
axis, the scale, fonts, colours and line styles per group, the legend, the number-at-risk table,
censor marks, interval bands and the test's p-value. Saved in the settings file per figure.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields

from ilp_core.checks import check_choice

FONT_SCALES = {0.8: "Smaller", 1.0: "Normal", 1.2: "Larger", 1.4: "Largest"}
# Line styles by name, as Vega-Lite stroke dash patterns (dash, gap, ...), for greyscale print.
LINE_STYLES = {"solid": [1, 0], "dashed": [8, 4], "dotted": [2, 3], "dash-dot": [8, 3, 2, 3],
               "long dash": [14, 4], "short dash": [4, 2], "dash-dot-dot": [10, 3, 2, 3, 2, 3],
               "sparse dash": [6, 6], "long dash-dot": [16, 4, 4, 4], "sparse dot": [1, 4]}
MAX_TICKS = 25
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")  # whole text (fullmatch)
SHORTEST, LONGEST = 0.01, 100_000  # a time axis in days, weeks, months or years
_TEXT_LIMIT = 200


@dataclass(frozen=True)
class FigureOptions:
    """A curve figure's options; ``None`` (or empty) means the figure's default.

    Attributes
    ----------
    size : "slide" or "journal".
    title, subtitle, x_title, y_title, legend_title : text shown in the figure.
    time_max : the end of the time axis (in the analysis's time unit); the risk table follows it.
    tick_every : the time between ticks (and risk-table columns).
    percent : the vertical axis in percent (True) or as a proportion from 0 to 1 (False).
    font_scale : every text size multiplied by this (one of ``FONT_SCALES``).
    colours, lines : per group name, a colour ``#rrggbb`` and a line style of ``LINE_STYLES``.
    black : every group drawn in black, told apart by line style (for greyscale print).
    risk_table, censor_marks, p_value : show the number at risk, the censor ticks, the test's p-value.
    bands : interval bands on or off (``None``: on for up to three groups).
    """

    size: str = "slide"
    title: str | None = None
    subtitle: str = ""
    x_title: str | None = None
    y_title: str | None = None
    legend_title: str = ""
    time_max: float | None = None
    tick_every: float | None = None
    percent: bool = True
    font_scale: float = 1.0
    colours: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)
    black: bool = False
    risk_table: bool = True
    censor_marks: bool = True
    bands: bool | None = None
    p_value: bool = False

    def __post_init__(self):
        check_choice(self.size, "size", ("slide", "journal"))
        if isinstance(self.font_scale, bool):
            raise ValueError(f"font_scale must be one of {', '.join(map(str, FONT_SCALES))}; got {self.font_scale!r}")
        check_choice(self.font_scale, "font_scale", tuple(FONT_SCALES))
        for name in ("title", "subtitle", "x_title", "y_title", "legend_title"):
            value = getattr(self, name)
            if value is not None and (not _text(value) or len(value) > _TEXT_LIMIT):
                raise ValueError(f"{name} must be text of at most {_TEXT_LIMIT} characters")
        for name in ("time_max", "tick_every"):
            value = getattr(self, name)
            if value is not None and not _time(value):
                raise ValueError(f"{name} must be a number of the time unit from {SHORTEST:g} to {LONGEST:,}; "
                                 f"got {str(value)[:40]}")
        if self.time_max and self.tick_every and self.time_max / self.tick_every > MAX_TICKS:
            raise ValueError(f"a tick every {self.tick_every:g} up to {self.time_max:g} makes more than "
                             f"{MAX_TICKS} ticks: choose a longer interval")
        for name in ("percent", "black", "risk_table", "censor_marks", "p_value"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false")
        if self.bands is not None and not isinstance(self.bands, bool):
            raise ValueError("bands must be true, false or null")
        _check_per_group(self.colours, "colours", lambda v: isinstance(v, str) and _COLOUR.fullmatch(v),
                         "a colour written #rrggbb")
        _check_per_group(self.lines, "lines", lambda v: v in LINE_STYLES,
                         "one of " + ", ".join(repr(s) for s in LINE_STYLES))

    def as_dict(self) -> dict:
        """Plain JSON values, for the settings file."""
        return asdict(self)

    @classmethod
    def from_dict(cls, saved: dict) -> FigureOptions:
        """Options from :meth:`as_dict` (unknown keys refused, missing ones default)."""
        if not isinstance(saved, dict):
            raise ValueError("figure options must be a mapping")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(saved) - known)
        if unknown:
            raise ValueError(f"unknown figure option(s): {', '.join(map(str, unknown))}")
        values = dict(saved)
        if isinstance(values.get("font_scale"), int) and not isinstance(values.get("font_scale"), bool):
            values["font_scale"] = float(values["font_scale"])
        return cls(**values)

    def group_colours(self, names: list[str], palette: list[str]) -> list[str]:
        """The colour of each group in order: black, the user's choice, or the palette's."""
        return ["#000000" if self.black else self.colours.get(name, palette[i % len(palette)])
                for i, name in enumerate(names)]

    def group_dashes(self, names: list[str]) -> list[list[float]]:
        """The stroke dash pattern of each group in order: the user's line style or the next style."""
        styles = list(LINE_STYLES.values())
        return [LINE_STYLES[self.lines[name]] if name in self.lines else styles[default_style(i)]
                for i, name in enumerate(names)]


def default_style(i: int) -> int:
    """The line style of the i-th group: shifted by one each time the ten colours start again, so
    that the 11th group is not drawn like the 1st."""
    return (i + i // len(LINE_STYLES)) % len(LINE_STYLES)


def _text(value) -> bool:
    """Text that can be written out (no lone surrogate from a damaged file)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _time(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return SHORTEST <= float(value) <= LONGEST
    except OverflowError:  # an integer of hundreds of digits
        return False


def _check_per_group(values, name: str, valid, what: str) -> None:
    if not isinstance(values, dict) or len(values) > 100:
        raise ValueError(f"{name} must map at most 100 group names to values")
    for group, value in values.items():
        if not _text(group) or not valid(value):
            shown = str(value)[:40]
            raise ValueError(f"{name}: the value for group {str(group)[:60]!r} must be {what}; got {shown!r}")
