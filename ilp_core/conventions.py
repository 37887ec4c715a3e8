"""The conventions behind every number, in one place.

Time units, the presets that reproduce other software, the named thresholds,
the normal quantile and the one function that writes an interval's label.
Estimators, reports and pages read these; none re-declares them.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from ilp_core.checks import check_choice, check_conf_level

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12  # 30.4375: months = days / 30.4375
# Display units: how many of each unit make one month.
TIME_UNITS = {"months": 1.0, "years": 1 / 12, "weeks": DAYS_PER_MONTH / 7, "days": DAYS_PER_MONTH}
UNIT_DEFINITIONS = {"months": f"one month = {DAYS_PER_MONTH:g} days", "years": f"one year = {DAYS_PER_YEAR:g} days"}

EARLY_WINDOW_DAYS = 30        # an early death or complication: within 30 days of the perfusion
FEW_AT_RISK = 10              # landmark estimates with fewer at risk are flagged
EVENTS_PER_COEFFICIENT = 10   # fewer events per model coefficient: a warning of overfitting
AGE_CUTS = (50, 70)           # the default age groups: <50, 50-69, >=70
LANDMARKS = (12.0, 24.0)      # months, until the user types others
CONF_LEVELS = (0.90, 0.95, 0.99)  # the confidence levels offered

CONF_TYPES = ("log-log", "log", "plain")
VARIANCES = ("delta", "gray")


def normal_quantile(conf_level: float) -> float:
    """z = Phi^-1(1 - alpha/2) for a two-sided interval, as R's ``qnorm(1 - (1 - level)/2)``.

    Examples
    --------
    >>> round(normal_quantile(0.95), 6)
    1.959964
    """
    return float(ndtri(1 - (1 - check_conf_level(conf_level)) / 2))


def level_label(conf_level: float) -> str:
    """'95%' for 0.95, '97.5%' for 0.975."""
    return f"{100 * float(conf_level):g}%"


def interval_label(conf_level: float) -> str:
    """'95% CI' for 0.95: the one place an interval's label is written.

    Examples
    --------
    >>> interval_label(0.9)
    '90% CI'
    """
    return f"{level_label(conf_level)} CI"


@dataclass(frozen=True)
class Convention:
    """A set of method choices that reproduces one program's output."""

    name: str
    km_conf_type: str
    cif_variance: str
    cif_conf_type: str
    note: str


PRESETS: dict[str, Convention] = {
    convention.name: convention
    for convention in (
        Convention("Default (SAS / Stata)", "log-log", "delta", "log-log",
                   "Intervals stay inside [0, 1]; matches SAS PROC LIFETEST and Stata."),
        Convention("R survival", "log", "delta", "log",
                   "survfit() defaults: log interval, delta-method (Aalen-Johansen) variance."),
        Convention("cmprsk / tidycmprsk / EZR", "log-log", "gray", "log-log",
                   "cmprsk::cuminc variance (Gray) with the log-log interval of tidycmprsk and EZR."),
        Convention("SPSS", "plain", "delta", "log-log",
                   "SPSS prints S and its SE (plain interval S +/- z SE); it has no cumulative "
                   "incidence, so the default is used for that."),
    )
}
DEFAULT_PRESET = "Default (SAS / Stata)"


@dataclass(frozen=True)
class Settings:
    """The conventions behind every number: interval level and transforms, variance, time unit.

    Results computed under them carry them (``Analysis.settings``), so a label can never
    disagree with its number.
    """

    conf_level: float = 0.95
    km_conf_type: str = "log-log"
    cif_variance: str = "delta"
    cif_conf_type: str = "log-log"
    time_unit: str = "months"
    preset: str = DEFAULT_PRESET

    @classmethod
    def from_preset(cls, preset: str, conf_level: float = 0.95, time_unit: str = "months") -> "Settings":
        """The settings of a preset at a level and time unit.

        Examples
        --------
        >>> Settings.from_preset("R survival").km_conf_type
        'log'
        """
        check_choice(preset, "preset", list(PRESETS))
        check_choice(time_unit, "time_unit", list(TIME_UNITS))
        p = PRESETS[preset]
        return cls(check_conf_level(conf_level), p.km_conf_type, p.cif_variance, p.cif_conf_type, time_unit, preset)

    def in_unit(self, months) -> np.ndarray:
        """Months converted to the display unit."""
        return np.asarray(months, dtype=float) * TIME_UNITS[self.time_unit]

    @property
    def interval_label(self) -> str:
        return interval_label(self.conf_level)


def age_group_names(cuts: tuple[float, ...] = AGE_CUTS) -> list[str]:
    """'<50', '50-69', '\u226570' for cuts (50, 70): the age groups' labels.

    Examples
    --------
    >>> age_group_names((40, 60, 80))
    ['<40', '40-59', '60-79', '\u226580']
    >>> age_group_names((60, 60.5, 61))   # not whole years: read as written (it was '60-59.5')
    ['<60', '60 to <60.5', '60.5 to <61', '\u226561']
    """
    def between(a: float, b: float) -> str:
        if float(a).is_integer() and float(b).is_integer():
            return f"{a:g}" if b - a == 1 else f"{a:g}-{b - 1:g}"  # in whole years
        return f"{a:g} to <{b:g}"
    return [f"<{cuts[0]:g}"] + [between(a, b) for a, b in zip(cuts[:-1], cuts[1:])] + [f"\u2265{cuts[-1]:g}"]


def typed_numbers(text: str, what: str, example: str) -> list[float]:
    """The numbers typed in ``text`` ('12, 24', '24; 12 6'), sorted, once each; a ValueError naming
    the first entry that is not a number, or a comma between digits ('1,5'), which could be a decimal
    comma as the workbook's cells may use (1.5) or a list (1 and 5), once silently read as the list."""
    # one comma between digits and nothing else ('1,5', '62,5'): '1.5,2' or '6,12,24' can only be lists
    ambiguous = next((t for t in re.split(r"[;\s]+", str(text)) if re.fullmatch(r"\d+,\d+", t)), None)
    if ambiguous:
        number = ambiguous
        raise ValueError(f"{number!r} could be one number with a decimal comma ({number.replace(',', '.')}) or "
                         f"two ({number.replace(',', ', ')}); write {what} with a decimal point and a space after "
                         f"each comma, like {example}")
    values = []
    for part in [p for p in re.split(r"[,;\s]+", str(text).strip()) if p]:
        try:
            value = float(part)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):  # 'nan', 'inf' and '1e400' are no place on an axis
            raise ValueError(f"{part[:40]!r} is not a number; write {what} like {example}") from None
        values.append(value)
    return sorted(set(values))


def parse_age_cuts(text: str) -> tuple[float, ...]:
    """'40, 60' -> (40.0, 60.0): the ages where the age groups change, 1 to 5 of them between 1 and 119.

    Examples
    --------
    >>> parse_age_cuts("60; 40")
    (40.0, 60.0)
    """
    values = typed_numbers(text, "the age cut points", "50, 70")
    wrong = [v for v in values if not 1 <= v <= 119]
    if wrong:
        raise ValueError(f"an age cut point must be between 1 and 119 years; got {wrong[0]:g}")
    if not 1 <= len(values) <= 5:
        raise ValueError("give 1 to 5 age cut points, e.g. 50, 70")
    return tuple(values)


# Landmarks beyond this (a million days is 2,700 years) are typing errors; 1e308 printed a 309-digit time.
MAX_LANDMARK = 1_000_000


def parse_landmarks(text: str) -> list[float]:
    """'12, 24' -> [12.0, 24.0]; a ValueError naming the bad entry otherwise.

    Examples
    --------
    >>> parse_landmarks("24; 12 6")
    [6.0, 12.0, 24.0]
    """
    values = typed_numbers(text, "landmark times", "12, 24")
    wrong = [v for v in values if not (np.isfinite(v) and 0 < v <= MAX_LANDMARK)]
    if wrong:
        raise ValueError(f"landmark times must be above 0 and at most {MAX_LANDMARK:,}; got {wrong[0]:g}")
    if not values:
        raise ValueError("give at least one landmark time, e.g. 12, 24")
    written = [f"{v:.6g}" for v in values]  # 12 and 12.0000000001 made two rows both reading 12
    if len(set(written)) < len(written):
        raise ValueError(f"the landmark times {', '.join(written)} are too close to tell apart")
    return values
