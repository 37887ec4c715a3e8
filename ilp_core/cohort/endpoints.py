"""The endpoints: one registry of what each outcome is, and its derivation from cohort rows.

Every endpoint has one key that means one thing everywhere: the analysis, the text, the
figures, the workbook, the models and the pages all read its entry here. Adding an
endpoint is adding an entry (``reported=True`` puts it in every report).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ilp_core.checks import check_choice
from ilp_core.conventions import DAYS_PER_MONTH, EARLY_WINDOW_DAYS

# How a status is read from the cohort: the event, the competing event (or None) and the
# event that ends follow-up together with death (or None).
_EVENT_COLUMNS = {"amputation": ("amputation", "amputation_date"),
                  "local_recurrence": ("local_recurrence", "local_recurrence_date")}
EVENTS = ("death", *_EVENT_COLUMNS, *(f"{e} or death" for e in _EVENT_COLUMNS),
          *(f"death without {e}" for e in _EVENT_COLUMNS))


@dataclass(frozen=True)
class Endpoint:
    """An outcome as the app analyses and reports it.

    ``event`` is what is counted, one of :data:`EVENTS`: "death", "amputation",
    "local_recurrence", "<event> or death" (whichever comes first) or "death without <event>".
    A ``competing`` endpoint is estimated by Aalen-Johansen, the other of death and the event
    competing; otherwise by Kaplan-Meier, anything but ``event`` censored (so "local_recurrence"
    not competing censors deaths).
    """

    key: str
    title: str                 # figure, table and workbook title
    heading: str               # a short heading: panel, forest plot, menu
    axis: str                  # the y axis
    opening: str               # the results text: "<opening> 70.6% (95% CI ...) at 12 months"
    subject: str               # the results text by group: "By limb, <subject> was ..."
    definition: str            # the methods text: "<definition> was estimated with the Kaplan-Meier method"
    event: str                 # what is counted (see above)
    competing: bool = False
    reported: bool = False     # in the Analysis, and so in the text, methods, figures and workbook
    in_panels: bool = False    # one of the three panels of the summary figure
    model_subject: str = ""    # offered on the Predictors page: "In the Cox model for <model_subject>"

    def __post_init__(self):
        check_choice(self.event, "event", EVENTS)
        if self.competing and (self.event == "death" or self.event.endswith(" or death")):
            raise ValueError(f"endpoint {self.key!r}: nothing competes with {self.event!r}")
        if self.in_panels and not self.reported:
            raise ValueError(f"endpoint {self.key!r}: a panel of the summary figure must be reported")

    @property
    def model(self) -> str:
        return "Fine-Gray" if self.competing else "Cox"

    @property
    def ratio(self) -> str:
        return "Subdistribution hazard ratio" if self.competing else "Hazard ratio"

    @property
    def model_label(self) -> str:
        """'Overall survival (Cox)': the Predictors menu."""
        return f"{self.heading} ({self.model})"


ENDPOINTS: dict[str, Endpoint] = {e.key: e for e in (
    Endpoint(
        key="amputation", event="amputation", competing=True, reported=True, in_panels=True,
        title="Cumulative incidence of amputation (death competing)",
        heading="Amputation, death competing", axis="Amputation",
        opening="The cumulative incidence of amputation, with death as a competing event, was",
        subject="the cumulative incidence of amputation (death competing)",
        definition="the cumulative incidence of amputation (death without amputation as a competing event)",
        model_subject="amputation with death as a competing event"),
    Endpoint(
        key="overall_survival", event="death", reported=True, in_panels=True,
        title="Overall survival", heading="Overall survival", axis="Overall survival",
        opening="Overall survival was", subject="overall survival",
        definition="overall survival (death from any cause as the event)",
        model_subject="overall survival"),
    Endpoint(
        key="local_recurrence_deaths_censored", event="local_recurrence", reported=True, in_panels=True,
        title="Local recurrence-free survival (deaths censored)",
        heading="Local recurrence-free survival, deaths censored", axis="Free of local recurrence",
        opening="Local recurrence-free survival, with deaths censored, was",
        subject="local recurrence-free survival (deaths censored)",
        definition="local recurrence-free survival (local recurrence as the event; deaths without recurrence "
                   "censored)",
        model_subject="local recurrence-free survival with deaths censored"),
    Endpoint(
        key="local_recurrence_free_survival", event="local_recurrence or death",
        title="Local recurrence-free survival (recurrence or death)",
        heading="Local recurrence-free survival, recurrence or death", axis="Alive and free of local recurrence",
        opening="Local recurrence-free survival, with death as an event, was",
        subject="local recurrence-free survival (recurrence or death)",
        definition="local recurrence-free survival (local recurrence or death, whichever came first, as the event)"),
    Endpoint(
        key="local_recurrence", event="local_recurrence", competing=True,
        title="Cumulative incidence of local recurrence (death competing)",
        heading="Local recurrence, death competing", axis="Local recurrence",
        opening="The cumulative incidence of local recurrence, with death as a competing event, was",
        subject="the cumulative incidence of local recurrence (death competing)",
        definition="the cumulative incidence of local recurrence (death without recurrence as a competing event)"),
    Endpoint(
        key="amputation_free_survival", event="amputation or death",
        title="Amputation-free survival", heading="Amputation-free survival", axis="Alive with the limb",
        opening="Amputation-free survival was", subject="amputation-free survival",
        definition="amputation-free survival (amputation or death, whichever came first, as the event)"),
    Endpoint(
        key="death_without_amputation", event="death without amputation", competing=True,
        title="Cumulative incidence of death without amputation",
        heading="Death without amputation", axis="Death without amputation",
        opening="The cumulative incidence of death without amputation, with amputation competing, was",
        subject="the cumulative incidence of death without amputation",
        definition="the cumulative incidence of death without amputation (amputation as a competing event)"),
)}


def reported() -> list[Endpoint]:
    """The endpoints every report holds, in the order of the results text."""
    return [e for e in ENDPOINTS.values() if e.reported]


def in_panels() -> list[Endpoint]:
    """The endpoints of the summary figure's panels: survival first, then incidence."""
    return sorted((e for e in ENDPOINTS.values() if e.in_panels), key=lambda e: e.competing)


def modelled() -> list[Endpoint]:
    """The endpoints a model can be fitted to, in menu order: Cox models first, then Fine-Gray."""
    return sorted((e for e in ENDPOINTS.values() if e.model_subject), key=lambda e: e.competing)


def _months(later: pd.Series, start: pd.Series) -> pd.Series:
    return (later - start).dt.days / DAYS_PER_MONTH


def endpoint(data: pd.DataFrame, name: str) -> pd.DataFrame:
    """``time`` (months from the perfusion) and ``status`` per patient for an endpoint of :data:`ENDPOINTS`.

    time = (end date - perfusion date) in days / 30.4375, where the end is the event's date
    for those who had it, else the death date for the dead, else the last contact. status is
    1 for the endpoint's event, 2 for the competing event (competing endpoints only) and 0
    for censored.

    Parameters
    ----------
    data : ``Cohort.data`` (or a filtered part of it).
    name : a key of :data:`ENDPOINTS`, e.g. "amputation", "overall_survival",
        "local_recurrence", "local_recurrence_free_survival", "amputation_free_survival".

    Returns
    -------
    DataFrame indexed like ``data``.

    Examples
    --------
    >>> days = pd.to_datetime(["2020-01-01", "2020-01-01"])
    >>> rows = pd.DataFrame({"ilp_date": days, "vital_status": ["dead", "alive"],
    ...                      "death_date": pd.to_datetime(["2020-07-01", None]),
    ...                      "last_followup_date": pd.to_datetime(["2020-07-01", "2021-01-01"])})
    >>> endpoint(rows, "overall_survival").round(2).to_dict("list")
    {'time': [5.98, 12.02], 'status': [1, 0]}
    """
    check_choice(name, "endpoint", list(ENDPOINTS))
    event = ENDPOINTS[name].event
    dead = (data["vital_status"] == "dead").to_numpy()
    end = data["death_date"].where(dead, data["last_followup_date"])
    if event == "death":
        return pd.DataFrame({"time": _months(end, data["ilp_date"]), "status": dead.astype(int)}, index=data.index)
    flag, date = _EVENT_COLUMNS[event.removesuffix(" or death").removeprefix("death without ")]
    happened = data[flag].fillna(False).to_numpy(dtype=bool)
    stop = data[date].where(happened, end)
    if event.endswith(" or death"):
        status = (happened | dead).astype(int)
    elif event.startswith("death without "):
        status = np.where(happened, 2, np.where(dead, 1, 0))
    else:
        status = np.where(happened, 1, np.where(dead, 2, 0))
    if not ENDPOINTS[name].competing:
        status = (status == 1).astype(int)  # the other event censors
    return pd.DataFrame({"time": _months(stop, data["ilp_date"]), "status": status}, index=data.index)


COMPONENTS = {"early_death": "early death", "compartment_syndrome": "compartment syndrome",
              "reaction_amputation": "amputation for a treatment reaction"}


def complication_components(data: pd.DataFrame) -> dict[str, pd.Series]:
    """Each early complication per patient (nullable boolean, NA unknown), as the composite reads them: an
    early death from its column, or where that is empty from the vital status and a death date within
    EARLY_WINDOW_DAYS of the perfusion."""
    derived = pd.Series(pd.NA, index=data.index, dtype="boolean")
    dated = data["death_date"].notna()
    derived[dated] = ((data["death_date"] - data["ilp_date"]).dt.days <= EARLY_WINDOW_DAYS)[dated]
    derived[(data["vital_status"] == "alive").fillna(False)] = False
    return {"early_death": data["early_death"].astype("boolean").fillna(derived),
            "compartment_syndrome": data["compartment_syndrome"].astype("boolean"),
            "reaction_amputation": data["reaction_amputation"].astype("boolean")}


def unrecorded_components(data: pd.DataFrame) -> list[str]:
    """The components of the early severe complication no patient of ``data`` has a value for (a column
    the workbook lacks, or left blank): they are left out of the composite."""
    return [COMPONENTS[k] for k, part in complication_components(data).items() if not part.notna().any()]


def early_severe_complication(data: pd.DataFrame) -> pd.Series:
    """True for an early death, compartment syndrome or amputation for a treatment reaction.

    An early death is read from its column, or, where that is empty, from a death
    date within 30 days of the perfusion. The result is NA (unknown) where no
    component is 'yes' and at least one is unknown. A component no patient has a value
    for (the workbook lacks it) is left out, not counted as unknown for everyone: that
    made the rate the share of 'yes' among the few patients with one ("3 of 3, 100%").
    With none of the three columns recorded it is NA for all (dates alone give no rate).
    """
    parts = [part for part in complication_components(data).values() if part.notna().any()]
    if not parts or not any(data[c].notna().any() for c in COMPONENTS):  # no column recorded: no rate
        return pd.Series(pd.NA, index=data.index, dtype="boolean", name="early_severe_complication")
    composite = parts[0]
    for part in parts[1:]:
        composite = composite | part  # Kleene logic: True | NA = True
    return composite.rename("early_severe_complication")
