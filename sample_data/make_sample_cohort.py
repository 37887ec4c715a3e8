"""Make the synthetic sample cohort: 34 invented patients, no real person.

It mirrors the published series this app was built around (34 patients judged
non-salvageable, treated July 2016 to June 2023): 12 women and 22 men, age 55 +/- 17,
21 lower and 13 upper limbs, 6 undifferentiated pleomorphic sarcomas and 6 myxoid
liposarcomas, 26 perfusions followed by surgery 2-3 months later, 4 perfusions not
completed (2 leaks, 1 arterial blockage, 1 insufficient venous return), 4 without
surgery because of systemic progression, and no early severe complication. Each
patient's course (months from the perfusion to recurrence, amputation, death) is
written out below so that the cohort gives the published estimates: amputation
incidence 13% at 12 months; overall survival 77% and 58% at 12 and 24 months; local
recurrence-free survival (deaths censored) 93% and 84%.

Deterministic: the same workbook every run. Run: python sample_data/make_sample_cohort.py
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

OUTPUT = Path(__file__).with_name("ilp_sample_cohort.xlsx")
DATA_LOCK = dt.date(2024, 12, 31)
FIRST_ILP, LAST_ILP = dt.date(2016, 7, 12), dt.date(2023, 6, 20)
DAYS_PER_MONTH = 30.4375
HEADERS = ["patient_id", "sex", "age_years", "limb", "site", "histology", "presentation", "tumor_size_cm",
           "grade", "ilp_date", "ilp_completed", "ilp_abort_reason", "wieberdink_grade", "surgery",
           "surgery_date", "early_death", "compartment_syndrome", "reaction_amputation", "amputation",
           "amputation_date", "local_recurrence", "local_recurrence_date", "vital_status", "death_date",
           "last_followup_date", "no_surgery_reason"]

# Each patient's course, in months from the perfusion, in order of perfusion date.
# kind: "surgery" (perfusion then resection), "aborted" (perfusion not completed, no resection),
# "progression" (no resection: systemic progression). None = did not happen.
COURSES = [  # (kind, abort reason, local recurrence, amputation, death)
    ("surgery", None, None, None, 62.0),
    ("surgery", None, 15.0, None, 31.0),
    ("progression", None, None, None, 4.0),
    ("surgery", None, None, None, None),
    ("aborted", "leak", None, 2.5, None),
    ("surgery", None, 5.0, 7.0, None),
    ("surgery", None, None, None, 13.0),
    ("surgery", None, None, None, 9.0),
    ("progression", None, None, None, 6.0),
    ("surgery", None, None, None, None),
    ("surgery", None, None, None, 14.0),
    ("aborted", "arterial blockage", None, None, 7.0),
    ("surgery", None, 8.0, 10.0, 16.5),
    ("surgery", None, None, None, 44.0),
    ("surgery", None, None, None, 11.0),
    ("progression", None, None, None, 8.0),
    ("surgery", None, None, None, None),
    ("surgery", None, None, None, 15.5),
    ("aborted", "leak", None, 3.5, 17.0),
    ("surgery", None, 20.0, 22.0, None),
    ("surgery", None, None, None, 11.5),
    ("surgery", None, None, None, None),
    ("progression", None, None, None, 10.0),
    ("surgery", None, None, None, 19.0),
    ("surgery", None, None, None, None),
    ("surgery", None, None, None, None),
    ("aborted", "insufficient venous return", None, None, None),
    ("surgery", None, None, None, None),
    ("surgery", None, None, None, 27.0),
    ("surgery", None, None, None, None),
    ("surgery", None, None, None, None),
    ("surgery", None, None, None, None),
    ("surgery", None, None, None, None),
    ("surgery", None, None, None, None),
]
HISTOLOGY = (["undifferentiated pleomorphic sarcoma"] * 6 + ["myxoid liposarcoma"] * 6 + ["synovial sarcoma"] * 4
             + ["leiomyosarcoma"] * 4 + ["myxofibrosarcoma"] * 4 + ["malignant peripheral nerve sheath tumour"] * 3
             + ["pleomorphic liposarcoma"] * 2 + ["epithelioid sarcoma"] * 2 + ["angiosarcoma"] * 2
             + ["clear cell sarcoma"])
SITES = {"lower": ["thigh", "knee", "leg", "leg", "foot"], "upper": ["arm", "elbow", "forearm", "hand"]}


def _after(start: dt.date, months: float) -> dt.date:
    return start + dt.timedelta(days=round(months * DAYS_PER_MONTH))


def _ages(rng: np.random.Generator, n: int) -> list[int]:
    """Whole-year ages with mean 55 and SD 17, as published."""
    z = rng.standard_normal(n)
    return [int(a) for a in np.round(55 + 17 * (z - z.mean()) / z.std(ddof=1))]


def sample_rows() -> list[dict]:
    """The 34 synthetic patients as dictionaries keyed by schema field."""
    rng = np.random.default_rng(20160712)
    n = len(COURSES)
    span = (LAST_ILP - FIRST_ILP).days
    ilp_dates = [FIRST_ILP + dt.timedelta(days=round(span * i / (n - 1))) for i in range(n)]
    sexes = rng.permutation(["F"] * 12 + ["M"] * 22)
    limbs = rng.permutation(["lower"] * 21 + ["upper"] * 13)
    histologies = rng.permutation(HISTOLOGY)
    presentations = rng.permutation(["primary"] * 19 + ["recurrent"] * 15)
    grades = rng.permutation([1] * 3 + [2] * 10 + [3] * 21)
    ages = _ages(rng, n)
    rows = []
    for i, (kind, reason, recurrence, amputation, death) in enumerate(COURSES):
        ilp = ilp_dates[i]
        surgery = _after(ilp, 2 + rng.random()) if kind == "surgery" else None
        death_date = _after(ilp, death) if death is not None else None
        last_contact = death_date or min(DATA_LOCK - dt.timedelta(days=int(rng.integers(0, 75))),
                                         DATA_LOCK)
        rows.append({
            "patient_id": f"SYN-{i + 1:02d}", "sex": sexes[i], "age_years": ages[i], "limb": limbs[i],
            "site": rng.choice(SITES[limbs[i]]), "histology": histologies[i], "presentation": presentations[i],
            "tumor_size_cm": round(float(rng.uniform(4, 22)), 1), "grade": int(grades[i]), "ilp_date": ilp,
            "ilp_completed": "no" if kind == "aborted" else "yes", "ilp_abort_reason": reason,
            "wieberdink_grade": None if kind == "aborted" else str(rng.choice(["I", "II", "II", "III", "III", "IV"])),
            "surgery": "yes" if surgery else "no", "surgery_date": surgery,
            "early_death": "no", "compartment_syndrome": "no", "reaction_amputation": "no",
            "amputation": "yes" if amputation else "no",
            "amputation_date": _after(ilp, amputation) if amputation else None,
            "local_recurrence": "yes" if recurrence else "no",
            "local_recurrence_date": _after(ilp, recurrence) if recurrence else None,
            "vital_status": "dead" if death_date else "alive", "death_date": death_date,
            "last_followup_date": last_contact,
            "no_surgery_reason": {"aborted": "perfusion not completed",
                                  "progression": "systemic progression"}.get(kind),
        })
    return rows


def workbook_bytes() -> bytes:
    """The sample workbook: an 'About' sheet saying the data are synthetic, then 'cohort'."""
    book = Workbook()
    about = book.active
    about.title = "About"
    notes = ["SYNTHETIC DATA - no real patient.",
             "An invented cohort of 34 patients treated with isolated limb perfusion (TNF-alpha + melphalan),",
             "made by sample_data/make_sample_cohort.py to mirror the published series's design and results.",
             "Use it to try the app; never report it as clinical data."]
    for line in notes:
        about.append([line])
    about["A1"].font = Font(bold=True, size=14)
    about.column_dimensions["A"].width = 100
    sheet = book.create_sheet("cohort")
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sample_rows():
        sheet.append([row[h] for h in HEADERS])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    moment = dt.datetime(2024, 12, 31)
    book.properties.created = book.properties.modified = moment
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


if __name__ == "__main__":
    OUTPUT.write_bytes(workbook_bytes())
    print(f"wrote {OUTPUT}")
