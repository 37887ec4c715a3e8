"""From cohort rows to analysable endpoints: time in months from the perfusion and a status code."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ilp_core.schema import DAYS_PER_MONTH

ENDPOINTS = {
    "amputation": "amputation (1), death without amputation (2, competing), censored (0)",
    "overall_survival": "death from any cause (1), censored (0)",
    "local_recurrence": "local recurrence (1), death without recurrence (2, competing), censored (0)",
    "local_recurrence_free_survival": "local recurrence or death, whichever first (1), censored (0)",
    "amputation_free_survival": "amputation or death, whichever first (1), censored (0)",
}
_EVENT_OF = {"amputation": ("amputation", "amputation_date"),
             "local_recurrence": ("local_recurrence", "local_recurrence_date")}


def _months(later: pd.Series, start: pd.Series) -> pd.Series:
    return (later - start).dt.days / DAYS_PER_MONTH


def endpoint(data: pd.DataFrame, name: str) -> pd.DataFrame:
    """``time`` (months = days / 30.4375 from the perfusion) and ``status`` per patient.

    Parameters
    ----------
    data : ``Cohort.data`` (or a filtered part of it).
    name : one of "amputation", "overall_survival", "local_recurrence",
        "local_recurrence_free_survival", "amputation_free_survival".

    Returns
    -------
    DataFrame indexed like ``data``. Follow-up ends at death for the dead and at
    the last contact otherwise; an event ends it at the event's date. Competing
    endpoints code death before the event as 2.
    """
    if name not in ENDPOINTS:
        raise ValueError(f"endpoint must be one of {', '.join(map(repr, ENDPOINTS))}; got {name!r}")
    dead = (data["vital_status"] == "dead").to_numpy()
    end = data["death_date"].where(dead, data["last_followup_date"])
    if name == "overall_survival":
        return pd.DataFrame({"time": _months(end, data["ilp_date"]), "status": dead.astype(int)}, index=data.index)
    flag, date = _EVENT_OF["amputation" if name.startswith("amputation") else "local_recurrence"]
    happened = data[flag].fillna(False).to_numpy(dtype=bool)
    stop = data[date].where(happened, end)
    if name in _EVENT_OF:
        status = np.where(happened, 1, np.where(dead, 2, 0))
    else:
        status = (happened | dead).astype(int)
    return pd.DataFrame({"time": _months(stop, data["ilp_date"]), "status": status}, index=data.index)


def early_severe_complication(data: pd.DataFrame) -> pd.Series:
    """True for an early death, compartment syndrome or amputation for a treatment reaction.

    An early death is read from its column, or, where that is empty, from a death
    date within 30 days of the perfusion. The result is NA (unknown) where no
    component is 'yes' and at least one is unknown.
    """
    derived = pd.Series(pd.NA, index=data.index, dtype="boolean")
    dated = data["death_date"].notna()
    derived[dated] = ((data["death_date"] - data["ilp_date"]).dt.days <= 30)[dated]
    derived[(data["vital_status"] == "alive").fillna(False)] = False
    early_death = data["early_death"].astype("boolean").fillna(derived)
    parts = [early_death, data["compartment_syndrome"].astype("boolean"),
             data["reaction_amputation"].astype("boolean")]
    return (parts[0] | parts[1] | parts[2]).rename("early_severe_complication")  # Kleene logic: True | NA = True
