"""Layer 3, numbers per selection: the selected patients' strata, curves, tables, tests and models.

Calls the estimators (``stats``) on endpoints from the cohort (``cohort``); never formats text.
"""
