"""Layer 1, the estimators: arrays in, frozen results out (Kaplan-Meier, Aalen-Johansen, tests, models).

Knows nothing of workbooks, cohorts or reports; imports only ``ilp_core``'s base modules.
"""
