"""The cohort fields: names, meaning, kind of value, and whether each is required.

One row per patient; times are measured from the perfusion (``ilp_date``).
Everything that reads, validates or describes a cohort takes its field list
from here.
"""
from __future__ import annotations

from dataclasses import dataclass

from ilp_core.conventions import EARLY_WINDOW_DAYS


class CohortError(ValueError):
    """The file itself cannot be used (not a spreadsheet, encrypted, empty, too large,
    a required field unmapped, no valid row). The message says what to do."""

    def __init__(self, message: str):
        first_word = message.split(" ", 1)[0]
        if "." in first_word.rstrip(".,;:"):  # a file's name, as the user wrote it ("empty.xlsx is empty")
            super().__init__(message)
        else:
            super().__init__(message[:1].upper() + message[1:])


# Kinds of value that define no endpoint: a bad value is read as missing and the patient is kept.
DESCRIPTIVE_KINDS = ("sex", "number", "limb", "text", "presentation", "grade", "wieberdink")
# Yes/no fields and a date that no time or event of an endpoint rests on either: whether the perfusion was
# completed and the resection (with its date) describe the patient, and each early complication is one part
# of the early-complication rate, which counts a part it cannot read as unknown. A problem there is a warning:
# "perfusion completed: unknown" took the patient out of the survival and amputation analyses too.
KEPT_DESPITE_PROBLEMS = ("ilp_completed", "surgery", "surgery_date", "early_death", "compartment_syndrome",
                         "reaction_amputation")


@dataclass(frozen=True)
class Field:
    """One column of the cohort schema.

    ``kind`` is one of: text, id, sex, number, limb, presentation, grade, wieberdink,
    date, flag, vital. ``required`` is "yes", "" (optional) or the condition,
    e.g. "if surgery".
    """

    name: str
    meaning: str
    values: str
    kind: str
    required: str = ""
    condition: str | None = None  # the flag field that makes this one required

    @property
    def always_required(self) -> bool:
        return self.required == "yes"

    @property
    def label(self) -> str:
        """What a reader calls the field, with its unit: 'Age (years)', 'Date of the perfusion'."""
        return LABELS[self.name]

    @property
    def descriptive(self) -> bool:
        """Whether the field only describes the patient (no endpoint or date rests on it): an
        unreadable or missing value there keeps the patient, with the value unknown."""
        return self.kind in DESCRIPTIVE_KINDS or self.name in KEPT_DESPITE_PROBLEMS


FIELDS: tuple[Field, ...] = (
    Field("patient_id", "de-identified patient code", "text, unique", "id", "yes"),
    Field("sex", "sex", "F / M", "sex"),
    Field("age_years", "age at perfusion, years", "0-120", "number"),
    Field("limb", "treated limb", "upper / lower", "limb", "yes"),
    Field("site", "anatomical site", "text (thigh, leg, foot, arm, forearm, hand, ...)", "text"),
    Field("histology", "histological subtype", "text", "text"),
    Field("presentation", "primary tumour or recurrence", "primary / recurrent", "presentation"),
    Field("tumor_size_cm", "largest tumour diameter, cm", "> 0, at most 100", "number"),
    Field("grade", "FNCLCC grade", "1 / 2 / 3", "grade"),
    Field("ilp_date", "date of the perfusion", "date", "date", "yes"),
    Field("ilp_completed", "perfusion completed", "yes / no", "flag"),
    Field("ilp_abort_reason", "why the perfusion was not completed",
          "text (leak, arterial blockage, insufficient venous return, ...)", "text"),
    Field("wieberdink_grade", "acute local toxicity (Wieberdink)", "I-V", "wieberdink"),
    Field("surgery", "limb-sparing resection done", "yes / no", "flag"),
    Field("surgery_date", "date of the resection", "date", "date", "if surgery", "surgery"),
    Field("early_death", f"death within {EARLY_WINDOW_DAYS} days of the perfusion", "yes / no", "flag"),
    Field("compartment_syndrome", f"compartment syndrome within {EARLY_WINDOW_DAYS} days", "yes / no", "flag"),
    Field("reaction_amputation", f"amputation for a treatment reaction within {EARLY_WINDOW_DAYS} days", "yes / no", "flag"),
    Field("amputation", "any amputation of the treated limb", "yes / no", "flag", "yes"),
    Field("amputation_date", "date of the amputation", "date", "date", "if amputation", "amputation"),
    Field("local_recurrence", "local recurrence", "yes / no", "flag", "yes"),
    Field("local_recurrence_date", "date of the local recurrence", "date", "date",
          "if local recurrence", "local_recurrence"),
    Field("vital_status", "vital status at last contact", "alive / dead", "vital", "yes"),
    Field("death_date", "date of death", "date", "date", "if dead"),
    Field("last_followup_date", "date of last contact", "date (for the dead: the date of death)", "date", "yes"),
)

LABELS = {
    "patient_id": "Patient code", "sex": "Sex", "age_years": "Age (years)", "limb": "Limb", "site": "Site",
    "histology": "Histology", "presentation": "Presentation", "tumor_size_cm": "Tumour size (cm)",
    "grade": "FNCLCC grade", "ilp_date": "Date of the perfusion", "ilp_completed": "Perfusion completed",
    "ilp_abort_reason": "Why the perfusion was not completed", "wieberdink_grade": "Wieberdink grade",
    "surgery": "Limb-sparing resection", "surgery_date": "Date of the resection", "early_death": "Early death",
    "compartment_syndrome": "Compartment syndrome", "reaction_amputation": "Amputation for a treatment reaction",
    "amputation": "Amputation", "amputation_date": "Date of the amputation", "local_recurrence": "Local recurrence",
    "local_recurrence_date": "Date of the local recurrence", "vital_status": "Vital status",
    "death_date": "Date of death", "last_followup_date": "Date of the last contact",
}
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
assert set(LABELS) == set(FIELD_NAMES), "every field needs a label"
REQUIRED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.always_required)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}


# The name "Compare by" gives the age groups the app cuts: a user's own column of that name is renamed.
AGE_GROUP = "age group"


def extra_name(name: str, taken: set[str]) -> str:
    """The name a user's own column keeps beside names ``taken`` by the app: ``name`` itself if free,
    else "name (extra)", "name (extra 2)", ... the first that is free. It joins ``taken``.

    A workbook may hold both "age_years" and "age_years (extra)": renaming the first to the second
    gave the table two columns of one name, which broke every page of the session.
    """
    candidate, number = name, 1
    while candidate in taken:
        candidate = f"{name} (extra)" if number == 1 else f"{name} (extra {number})"
        number += 1
    taken.add(candidate)
    return candidate
DATE_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "date")

