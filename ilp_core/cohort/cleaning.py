"""Turning spreadsheet cells into canonical values: flags, codes, numbers and dates.

Each parser takes one raw cell (text, number, date or boolean) and returns the
canonical value or raises ``BadValue`` with a message saying what would be
valid. Columns are converted one distinct value at a time, so a 100,000-row
sheet costs as many parses as it has different spellings.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd

from ilp_core.checks import check_choice


class BadValue(ValueError):
    """A cell that cannot be read as its field's kind; the message names what is valid."""


def _typed(value) -> str:
    """A cell's value as a message quotes it: text in quotes; a date, time or duration as a spreadsheet
    shows it ("12:30", not Python's "datetime.time(12, 30)")."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M" if (value.hour, value.minute) != (0, 0) else "%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.timedelta):
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60}:{minutes % 60:02d} (a duration)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _plain(value) -> str:
    """Lower-case text without accents, punctuation at the ends, or repeated spaces."""
    text = unicodedata.normalize("NFKD", str(value).replace("ß", "ss")).encode("ascii", "ignore").decode().lower()
    return " ".join(text.replace("_", " ").split()).strip(" .;:!?")


def is_code(value, code: str) -> bool:
    """Whether a cell reads as this code ('Ò ', 'o' and 'O' all read as 'o')."""
    return _plain(value) == code


_WHOLE_NUMBER = re.compile(r"^(\d+)[.,]0{1,2}$")  # '2.0', '2,00'; never '1,000' (a thousand, or one?)


def _lookup(table: dict[str, set[str]]):
    index = {_plain(word): canonical for canonical, words in table.items() for word in words}

    def parse(value, valid: str):
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        key = _WHOLE_NUMBER.sub(r"\1", _plain(value))  # '2.0' or '2,0' typed as text is the number 2
        if key in index:
            return index[key]
        raise BadValue(f"unknown code {_typed(value)}; use {valid}")
    return parse


FLAG_WORDS = {
    True: {"yes", "y", "1", "true", "x", "si", "sí", "s", "sim", "ja", "j", "oui", "o", "wahr", "vero",
           "verdadero", "verdadeiro", "vrai", "waar", "positive", "pos", "+", "present", "done"},
    False: {"no", "n", "0", "false", "nao", "não", "nein", "non", "nee", "falso", "faux", "onwaar",
            "negative", "neg", "-", "absent", "none", "not done"},
}
SEX_WORDS = {
    "F": {"f", "female", "woman", "w", "fem", "femme", "feminin", "mujer", "femenino", "femenina", "donna",
          "femmina", "femminile", "frau", "weiblich", "vrouw", "v", "vrouwelijk", "mulher", "feminino"},
    "M": {"m", "male", "man", "masc", "homme", "masculin", "h", "hombre", "varon", "masculino", "uomo",
          "maschio", "maschile", "mann", "mannlich", "männlich", "mannelijk", "homem"},
}
VITAL_WORDS = {
    "alive": {"alive", "a", "living", "ned", "awd", "ned alive", "alive ned", "alive with disease",
              "alive without disease", "no evidence of disease", "vivo", "viva", "vive", "vivant",
              "vivante", "lebend", "lebt", "levend", "in leven", "0", "al"},
    "dead": {"dead", "d", "deceased", "died", "dod", "doc", "dead of disease", "dead of other causes",
             "died of disease", "died of other causes", "death", "exitus", "muerto", "muerta", "fallecido",
             "fallecida", "exitus letalis", "morto", "morta", "deceduto", "deceduta", "obito", "óbito",
             "falecido", "falecida", "decede", "décédé", "décédée", "mort", "morte", "verstorben", "tot",
             "gestorben", "overleden", "dood", "1"},
}
LIMB_WORDS = {
    "upper": {"upper", "upper limb", "upper extremity", "ue", "ul", "u", "arm", "forearm", "hand", "superior",
              "sup", "miembro superior", "extremidad superior", "brazo", "arto superiore", "braccio",
              "membro superior", "membre superieur", "superieur", "superiore", "bras", "oben",
              "obere extremitat", "obere", "bovenste", "mmss", "ms", "eess", "es", "msd", "msi",
              "bovenste extremiteit", "upper arm", "elbow", "shoulder", "wrist"},
    "lower": {"lower", "lower limb", "lower extremity", "le", "ll", "l", "leg", "thigh", "foot", "knee",
              "calf", "ankle", "inferior", "inf", "miembro inferior", "extremidad inferior", "pierna",
              "arto inferiore", "gamba", "membro inferior", "membre inferieur", "inferieur", "inferiore",
              "jambe", "unten", "untere extremitat", "mmii", "mi", "eeii", "ei", "mid", "mii", "been",
              "untere", "bein", "onderste", "onderste extremiteit", "lower leg"},
}
PRESENTATION_WORDS = {
    "primary": {"primary", "p", "prim", "primario", "primaria", "primitivo", "primitiva", "primar",
                "primaire", "primair", "de novo", "new", "nuevo", "nueva", "primartumor", "primaire tumor",
                "primitif", "primitive"},
    "recurrent": {"recurrent", "recurrence", "r", "rec", "recurrente", "recidiva", "recidivante",
                  "recidivo", "rezidiv", "rezidiviert", "recidive", "recidivant", "recidief",
                  "recorrente", "recorrencia", "relapse", "relapsed", "local recurrence", "recurrencia",
                  "recidivado", "recidivada", "recidivato", "recidivata", "recaida", "rezidivierend",
                  "recidiverend", "recidivee", "recurrente local", "persistent", "persistente"},
}
_GRADE_WORDS_IN = ("grade", "grado", "grau", "grad", "graad")  # grade in each language, before 1 / I
GRADE_WORDS = {n: {str(n), roman, f"g{n}", *(f"{w} {x}" for w in _GRADE_WORDS_IN for x in (n, roman)), *words}
               for n, roman, words in ((1, "i", ("low", "bajo", "basso", "baixo", "niedrig", "bas", "laag")),
                                       (2, "ii", ("intermediate", "intermedio", "intermediario", "mittel",
                                                  "intermediaire")),
                                       (3, "iii", ("high", "alto", "hoch", "haut", "hoog")))}
WIEBERDINK_WORDS = {roman: {roman.lower(), str(i), f"grade {roman.lower()}", f"grade {i}"}
                    for i, roman in enumerate(["I", "II", "III", "IV", "V"], start=1)}

parse_flag = _lookup(FLAG_WORDS)
parse_sex = _lookup(SEX_WORDS)
_SPANISH_SEX = {"F": SEX_WORDS["F"] - {"v"} | {"m"}, "M": SEX_WORDS["M"] - {"m"} | {"v"}}
parse_sex_hm = _lookup(_SPANISH_SEX)   # H/M (hombre/mujer, homem/mulher) and V/M (varón/mujer)
_SPANISH_HEADERS = ("sexo", "genero", "género")
_DUTCH_HEADERS = ("geslacht", "sekse")


def sex_parser(raw: pd.Series, header) -> tuple[object, str]:
    """The sex parser for this column, and a note when its one-letter codes needed reading.

    "M" is male in English, German, French, Italian and Dutch, but *mujer* (female) in a Spanish
    or Portuguese H/M or V/M column, where H is *hombre*/*homem* and V *varón*; "V" is female in
    Dutch (*vrouw*). So a column holding H (and no F) reads M as female; one holding M and V but
    neither F nor H follows its header's language (Sexo: Spanish; Geslacht: Dutch), and says so.
    """
    letters = {_plain(v) for v in raw.dropna().unique()} & {"f", "m", "h", "v", "w"}
    name = _plain(header or "")
    if "h" in letters and "f" not in letters:
        return parse_sex_hm, "M read as mujer/mulher (female) and H as hombre/homem (male): this column codes H/M"
    if {"m", "v"} <= letters and not letters & {"f", "h"}:
        if any(word in name for word in _SPANISH_HEADERS):
            return parse_sex_hm, "M read as mujer (female) and V as varón (male): a Spanish V/M column"
        guess = "" if any(word in name for word in _DUTCH_HEADERS) else \
            " (the header does not say which language; if V means varón, write the codes as H/M)"
        return parse_sex, f"M read as man (male) and V as vrouw (female), Dutch M/V{guess}"
    return parse_sex, ""


_parse_flag_without_o = _lookup({True: FLAG_WORDS[True] - {"o"}, False: FLAG_WORDS[False]})


def _o_or_zero(value, valid: str):
    if _plain(value) == "o":
        raise BadValue(f"{_typed(value)} could be the letter O (oui: yes) or a mistyped 0 (no), since this column "
                       f"also holds digits; type it as {valid}")
    return _parse_flag_without_o(value, valid)


def flag_parser(raw: pd.Series, header) -> tuple[object, str]:
    """The yes/no parser for this column, and a note when "O" needed reading.

    "O" is *oui* (yes) in a French O/N column, but beside 0 and 1 it is more likely a mistyped
    0 (no): there it is reported, not read. Read as yes, it is said once per column."""
    codes = {_plain(int(v)) if isinstance(v, (int, float)) and float(v).is_integer() else _plain(v)
             for v in raw.dropna().unique()}  # 0 and 1 typed in Excel are numbers, not text
    if "o" not in codes:
        return parse_flag, ""
    if codes & {"0", "1"}:
        return _o_or_zero, ""
    return parse_flag, "O read as oui (yes), as in a French O/N column; if an O is a mistyped 0 (no), correct it"


parse_vital = _lookup(VITAL_WORDS)
parse_limb = _lookup(LIMB_WORDS)
parse_presentation = _lookup(PRESENTATION_WORDS)
parse_grade = _lookup(GRADE_WORDS)
parse_wieberdink = _lookup(WIEBERDINK_WORDS)

_NUMBER = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)(?:cm|mm|years?|yrs?|y|anos|anni|jahre|ans|jaar)?$")


def parse_number(value, valid: str) -> float:
    """A number; text may use a decimal comma and a unit word ('5,5 cm', '63 years')."""
    if isinstance(value, bool):
        raise BadValue(f"{_typed(value)} is not a number; use {valid}")
    if isinstance(value, (int, float)):
        if value != value:
            raise BadValue(f"not a number; use {valid}")
        return float(value)
    match = _NUMBER.match(_plain(value).replace(" ", ""))
    if not match:
        raise BadValue(f"{_typed(value)} is not a number; use {valid}")
    number = float(match.group(1).replace(",", "."))
    if _plain(value).endswith("mm"):
        number /= 10
    return number


MAX_TEXT = 1_000


def parse_text(value, valid: str = "") -> str:
    """Text with surrounding and repeated spaces removed; whole numbers without '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    text = " ".join(str(value).split())
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BadValue(f"{text!r} holds invisible control characters (such as NUL); retype the value")
    if len(text) > MAX_TEXT:
        raise BadValue(f"text of {len(text):,} characters, longer than the {MAX_TEXT:,} this field allows; "
                       "is this the right column?")
    return text


# -- dates -------------------------------------------------------------------------------------

DATE_ORDERS = ("auto", "DMY", "MDY", "YMD")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[-/. ]+([a-z]+)\.?[-/., ]+(\d{2}|\d{4})$")
_MONTH_NAME_DAY = re.compile(r"^([a-z]+)[-/. ]+(\d{1,2})(?:st|nd|rd|th)?[,. ]+(\d{4})$")
_MONTH_NAMES = {
    1: "january enero gennaio janeiro januar janvier januari jan ene gen",
    2: "february febrero febbraio fevereiro februar fevrier februari feb fev",
    3: "march marzo marco marz mars maart mar mrz mrt",
    4: "april abril aprile avril apr abr avr",
    5: "may mayo maggio maio mai mei mag",
    6: "june junio giugno junho juni juin jun giu",
    7: "july julio luglio julho juli juillet jul lug juil",
    8: "august agosto aout augustus aug ago",
    9: "september septiembre settembre setembro septembre sep set sept",
    10: "october octubre ottobre outubro oktober octobre oct ott out okt",
    11: "november noviembre novembre novembro nov",
    12: "december diciembre dicembre dezembro dezember decembre dec dic dez",
}
_MONTH = {name: month for month, names in _MONTH_NAMES.items() for name in names.split()}


def _month(word: str) -> int | None:
    """Month number from a name or an abbreviation of at least three letters ('févr', 'sept')."""
    if word in _MONTH:
        return _MONTH[word]
    months = {month for name, month in _MONTH.items() if len(word) >= 3 and name.startswith(word)}
    return months.pop() if len(months) == 1 else None


def _two_digit_year(year: int, today: dt.date) -> int:
    return year + (2000 if year <= today.year % 100 else 1900)


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def _in_range(day: dt.date, text) -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise BadValue(f"{_typed(text)} reads as {day.isoformat()}, outside 1900-2100; check the date")
    return day


def _make_date(year: int, month: int, day: int, text) -> dt.date:
    try:
        return _in_range(dt.date(year, month, day), text)
    except ValueError:
        raise BadValue(f"{_typed(text)} is not a real date (year {year}, month {month}, day {day})") from None


def numeric_date_parts(value) -> tuple[int, int] | None:
    """The first two numbers of a text date like 03/04/2019 (for deciding day/month order)."""
    if not isinstance(value, str):
        return None
    match = _NUMERIC.match(_plain(value))
    return (int(match.group(1)), int(match.group(2))) if match else None


def parse_date(value, order: str = "DMY", today: dt.date | None = None) -> dt.date:
    """A date from a real date, an Excel serial number, or text (ISO, day/month/year or
    month/day/year as ``order`` says, or with a month name in seven languages)."""
    today = today or dt.date.today()
    if isinstance(value, pd.Timestamp):
        return _in_range(value.date(), value)
    if isinstance(value, dt.datetime):
        return _in_range(value.date(), value)
    if isinstance(value, dt.date):
        return _in_range(value, value)
    if isinstance(value, (bool, np.bool_)):
        raise BadValue(f"{_typed(value)} is not a date; use a date such as 2019-03-12")
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        if 19000101 <= number <= 21001231 and number.is_integer():  # 20190312 typed as a number
            text = str(int(number))
            return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]), value)
        if 1000 <= number < 10000:  # Excel shows it as typed; read as a day count, 2019 was 1905-07-11
            raise BadValue(f"{int(number)} is a year alone, not a date; type the whole date, such as "
                           f"{int(number)}-03-12" if number.is_integer() else
                           f"{_typed(value)} is not a date (as a count of days it is a date in 1902-1927); type "
                           "the date, such as 2019-03-12")
        if 1 <= number < 61:  # Excel counts 29 February 1900, a day that never was, as serial 60
            if int(number) == 60:
                raise BadValue("60 is Excel's 29 February 1900, a day that never was; type the date")
            return _in_range(_EXCEL_EPOCH + dt.timedelta(days=int(number) + 1), value)
        if 1 <= number < 2958466:
            return _in_range(_EXCEL_EPOCH + dt.timedelta(days=int(number)), value)
        raise BadValue(f"{_typed(value)} is not a date; use a date such as 2019-03-12")
    text = _plain(value)
    if (match := _ISO.match(text)):
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), value)
    if (match := _NUMERIC.match(text)):
        first, second, third = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if order == "YMD" and len(match.group(3)) == 2:  # 19/03/12 read as year/month/day
            return _make_date(_two_digit_year(first, today), second, third, value)
        year = _two_digit_year(third, today) if len(match.group(3)) == 2 else third
        day, month = (second, first) if order == "MDY" else (first, second)
        try:
            return _make_date(year, month, day, value)
        except BadValue as exc:
            if month > 12 >= day:  # the other order would read it: say so
                other = "month/day/year" if order == "DMY" else "day/month/year"
                raise BadValue(f"{exc}; if this column writes dates {other}, choose that under "
                               "'Dates typed as text' on the Data page") from None
            raise
    if (match := _DAY_MONTH_NAME.match(text)) and _month(match.group(2)):
        year = int(match.group(3))
        year = _two_digit_year(year, today) if len(match.group(3)) == 2 else year
        return _make_date(year, _month(match.group(2)), int(match.group(1)), value)
    if (match := _MONTH_NAME_DAY.match(text)) and _month(match.group(1)):
        return _make_date(int(match.group(3)), _month(match.group(1)), int(match.group(2)), value)
    if text.isdigit() and 20000 <= int(text) < 80000:  # an Excel serial stored as text
        return _in_range(_EXCEL_EPOCH + dt.timedelta(days=int(text)), value)
    if text.isdigit() and len(text) == 4:
        raise BadValue(f"{_typed(value)} is a year alone, not a date; type the whole date, such as {text}-03-12")
    raise BadValue(f"{_typed(value)} is not a date this app can read; write it as 2019-03-12 or 12/03/2019")


PARSERS = {
    "id": parse_text, "text": parse_text, "number": parse_number, "flag": parse_flag, "sex": parse_sex,
    "vital": parse_vital, "limb": parse_limb, "presentation": parse_presentation, "grade": parse_grade,
    "wieberdink": parse_wieberdink,
}


def convert(raw: pd.Series, parse, *args) -> tuple[pd.Series, dict]:
    """Apply ``parse`` once per distinct non-missing value.

    Returns the converted Series (None where missing or unreadable) and
    ``{raw value: message}`` for the values that could not be read.
    """
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[-1] = None  # code -1: missing
    failures = {}
    for position, value in enumerate(uniques):
        try:
            results[position] = parse(value, *args)
        except BadValue as exc:
            results[position] = None
            failures[value] = str(exc)
    return pd.Series(results[codes], index=raw.index, dtype=object), failures


def unify_spelling(values: pd.Series) -> pd.Series:
    """Spellings that differ only in case or spacing become the most frequent spelling."""
    present = values.dropna()
    if present.empty:
        return values
    keys = present.map(lambda v: " ".join(str(v).split()).casefold())
    counts = pd.DataFrame({"key": keys.to_numpy(), "spelling": present.to_numpy()}).value_counts(sort=False)
    chosen = {}
    for (key, spelling), n in counts.items():  # most frequent spelling; the first seen on a tie
        if key not in chosen or n > chosen[key][1]:
            chosen[key] = (spelling, n)
    chosen = {key: spelling for key, (spelling, _) in chosen.items()}
    return keys.map(chosen).reindex(values.index)


def date_order_evidence(raw: pd.Series) -> tuple[int, int, object]:
    """(texts that must be day-first, texts that must be month-first, first ambiguous row)."""
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    day_first = month_first = 0
    ambiguous = []
    for position, value in enumerate(uniques):
        parts = numeric_date_parts(value)
        if parts is None:
            continue
        first, second = parts
        if first > 12 >= second:
            day_first += counts[position]
        elif second > 12 >= first:
            month_first += counts[position]
        elif first != second:
            ambiguous.append(position)
    hits = np.flatnonzero(np.isin(codes, ambiguous)) if ambiguous else []
    ambiguous_row = raw.index[hits[0]] if len(hits) else None
    return int(day_first), int(month_first), ambiguous_row


def decide_date_orders(columns: dict[str, pd.Series], requested: str) -> tuple[dict[str, str], list[tuple]]:
    """The day/month order for each date column, and notes ``(row, header, value, message)``.

    ``requested`` "DMY", "MDY" or "YMD" applies to every column. "auto" decides
    each column from its own texts (a first number above 12 means day first, a
    second number above 12 month first; the majority where both occur, and then the
    first ambiguous row is reported); a column its texts can't settle follows the
    other columns, and when nothing settles it day/month/year is used and the first
    ambiguous row is reported.
    """
    check_choice(requested, "date_order", DATE_ORDERS)
    if requested != "auto":
        return {header: requested for header in columns}, []
    evidence = {header: date_order_evidence(raw) for header, raw in columns.items()}
    total_day = sum(e[0] for e in evidence.values())
    total_month = sum(e[1] for e in evidence.values())
    overall = "MDY" if total_month > total_day else "DMY"
    orders, notes = {}, []
    for header, (day, month, ambiguous_row) in evidence.items():
        if day or month:
            orders[header] = "MDY" if month > day else "DMY"
            if day and month and ambiguous_row is not None:
                chosen = "month/day/year" if month > day else "day/month/year"
                notes.append((ambiguous_row, header, columns[header][ambiguous_row],
                              f"this column writes {day} date{'s' if day != 1 else ''} day first and {month} month "
                              f"first; dates like this one, which could be either, were read as {chosen}. Check "
                              "them, or choose the date order"))
        else:
            orders[header] = overall
            if ambiguous_row is not None and not (total_day or total_month):
                value = columns[header][ambiguous_row]
                notes.append((ambiguous_row, header, value,
                              "dates like this could be day/month or month/day and nothing in the workbook "
                              "settles it; read as day/month/year. Choose the date order if that is wrong"))
    return orders, notes
