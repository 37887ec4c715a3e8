"""Where the bundled synthetic sample lives."""
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "ilp_sample_cohort.xlsx"
