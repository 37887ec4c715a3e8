"""Shared fixtures: where R's reference output lives."""
from pathlib import Path

import pandas as pd
import pytest

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


def reference(name: str) -> pd.DataFrame:
    path = REFERENCE / name
    if not path.exists():
        pytest.fail(f"R reference file missing: {path} (../shared/reference must sit beside the project)")
    return pd.read_csv(path)
