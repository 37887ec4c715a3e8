"""The flow of patients: from the workbook's rows to perfusion, resection and outcome."""
from __future__ import annotations

import pandas as pd

FLOW_COLUMNS = ["step", "label", "n", "detail", "side"]


def _reasons(values: pd.Series) -> str:
    counts = values.fillna("reason not recorded").astype(str).value_counts()
    return "; ".join(f"{reason} {n}" for reason, n in counts.items())


def patient_flow(data: pd.DataFrame, *, n_rows: int, n_selected_from: int | None = None,
                 filters: str = "") -> pd.DataFrame:
    """Counts at each step: ``step, label, n, detail, side`` (side = a branch leaving the main flow).

    Parameters
    ----------
    data : the patients analysed (after any filters).
    n_rows : non-empty rows in the workbook (``Cohort.n_rows``).
    n_selected_from : patients loaded before the filters (a step for those not selected is shown
        when it differs from the patients analysed).
    filters : the filters in words, written in that step so that the diagram reads on its own.
    """
    loaded = n_selected_from if n_selected_from is not None else len(data)
    # unknown (a column not in the workbook, a cell left blank or unreadable) is neither yes nor no
    completed, resected = _answered(data["ilp_completed"], True), _answered(data["surgery"], True)
    completion_unknown = data["ilp_completed"].isna()
    resection_unknown = completed & data["surgery"].isna()
    no_surgery_reason = data["no_surgery_reason"] if "no_surgery_reason" in data else \
        pd.Series(None, index=data.index, dtype=object)
    filtered = n_selected_from is not None and n_selected_from != len(data)
    rows = [("workbook", "Rows in the workbook", n_rows, "", False),
            ("excluded", "Excluded: data errors", n_rows - loaded, "see the Data page" if n_rows > loaded else "",
             True)]
    if filtered:
        rows.append(("filtered", "Not selected by the filters", loaded - len(data), filters, True))
    aborted = _answered(data["ilp_completed"], False)
    aborted_detail = _reasons(data.loc[aborted, "ilp_abort_reason"]) if aborted.any() else ""
    if (aborted & resected).any():
        aborted_detail += f"; resected nonetheless {int((aborted & resected).sum())}"
    unresected = completed & _answered(data["surgery"], False)
    rows.append(("analysed", "Patients analysed (selected by the filters)" if filtered
                 else "Patients treated with isolated limb perfusion", len(data), "", False))
    resected_anyway = int((completion_unknown & resected).sum())  # shown: they are in no main box
    unknown = ("completion_unknown", "Completion of the perfusion not recorded", int(completion_unknown.sum()),
               f"resected {resected_anyway}" if resected_anyway else "", True)
    if len(data) and completion_unknown.all():  # no boxes of completed perfusions and resections: "n = 0" read false
        return pd.DataFrame(rows + [unknown, _outcome(data)], columns=FLOW_COLUMNS)
    rows.append(("aborted", "Perfusion not completed", int(aborted.sum()), aborted_detail, True))
    if completion_unknown.any():
        rows.append(unknown)
    rows += [
        ("completed", "Perfusion completed", int(completed.sum()), "", False),
        ("no_surgery", "No resection", int(unresected.sum()),
         _reasons(no_surgery_reason[unresected]) if unresected.any() else "", True)]
    if resection_unknown.any():
        rows.append(("resection_unknown", "Resection not recorded", int(resection_unknown.sum()), "", True))
    rows += [
        ("surgery", "Resection after a completed perfusion", int((completed & resected).sum()), "", False),
        _outcome(data)]
    return pd.DataFrame(rows, columns=FLOW_COLUMNS)


def _answered(values: pd.Series, answer: bool) -> pd.Series:
    """True where a yes/no column holds ``answer``; unknown is neither yes nor no."""
    return values.eq(answer).fillna(False).astype(bool)


def _outcome(data: pd.DataFrame) -> tuple:
    return ("outcome", "All patients at last contact", len(data),
            f"amputated {int(data['amputation'].fillna(False).sum())}; "
            f"alive {int((data['vital_status'] == 'alive').sum())}; dead {int((data['vital_status'] == 'dead').sum())}",
            False)
