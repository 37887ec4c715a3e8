"""Shared fixtures: where R's reference output lives (tests/reference, with the R scripts that made it)."""
from pathlib import Path

import pandas as pd
import pytest

REFERENCE = Path(__file__).resolve().parent / "reference"


def reference(name: str) -> pd.DataFrame:
    path = REFERENCE / name
    if not path.exists():
        pytest.fail(f"R reference file missing: {path}")
    return pd.read_csv(path)
