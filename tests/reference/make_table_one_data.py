"""Write the inputs of the Table 1 reference (table_one_tests.R): run from the project root.

table_one_sample.csv: the synthetic sample's baseline variables as the app analyses them
(categories as their labels, blanks empty). table_one_random.csv: 150 seeded random patients
with rare levels, ties, a group of 60 and two of about 22 (no tied tumour sizes), so every branch of the tests is exercised (exact and
asymptotic Mann-Whitney, r x c Fisher, chi-square, Welch).
"""
from pathlib import Path

import numpy as np
import pandas as pd

import ilp_core as core
from ilp_core.results.selection import age_groups, as_labels

HERE = Path(__file__).resolve().parent
CATEGORIES = ["sex", "limb", "site", "histology", "presentation", "grade", "ilp_completed", "surgery",
              "wieberdink_grade"]


def sample() -> pd.DataFrame:
    data = core.load_cohort(HERE.parents[1] / "sample_data" / "ilp_sample_cohort.xlsx").data
    out = pd.DataFrame({c: as_labels(data[c]).replace("(missing)", "") for c in CATEGORIES})
    out["age_years"], out["tumor_size_cm"] = data.age_years.to_numpy(), data.tumor_size_cm.to_numpy()
    out["age_group"] = age_groups(data.age_years).astype(str).replace("(missing)", "").to_numpy()
    return out


def random_patients(n: int = 150, seed: int = 20261127) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arm = rng.choice(["A", "B", "C"], n, p=[0.4, 0.4, 0.2])
    subset = np.where(np.arange(n) < 45, np.where(np.arange(n) % 2 == 0, "X", "Y"), None)  # 23 + 22: exact Wilcoxon
    return pd.DataFrame({
        "arm": arm,
        "pair": np.where(arm == "C", "B", arm),
        "subset": subset,
        "histology": rng.choice(["UPS", "LMS", "MLS", "SS", "AS"], n, p=[0.4, 0.25, 0.2, 0.1, 0.05]),
        "grade": rng.choice(["1", "2", "3"], n, p=[0.2, 0.3, 0.5]),
        "sex": rng.choice(["F", "M"], n),
        "age_years": np.round(rng.normal(60, 14, n)),               # whole years: ties
        "tumor_size_cm": np.round(rng.gamma(3, 3, n), 3),           # (almost) no ties
    })


if __name__ == "__main__":
    sample().to_csv(HERE / "table_one_sample.csv", index=False)
    random_patients().to_csv(HERE / "table_one_random.csv", index=False)
