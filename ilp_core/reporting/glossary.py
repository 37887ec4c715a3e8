"""The methods in a sentence each, for the Start page and the sidebar's glossary."""
from __future__ import annotations

from ilp_core.conventions import PRESETS

GLOSSARY: dict[str, str] = {
    "Kaplan-Meier": "the probability of staying free of an event over time (survival), when some patients are "
                    "followed for less time than others (censored).",
    "Cumulative incidence (Aalen-Johansen)": "the probability of having had an event (amputation) by a time, when "
                    "another event (death) can come first and prevent it: a competing event. 1 minus Kaplan-Meier "
                    "would overstate it.",
    "Competing event": "an event after which the event of interest can no longer happen: death before amputation.",
    "Log-rank test": "compares survival curves between groups over the whole follow-up.",
    "Gray's test": "compares cumulative incidence curves between groups when there is a competing event.",
    "Cox model": "relates covariates (age, limb, ...) to the hazard of an event; gives hazard ratios (HR).",
    "Fine-Gray model": "relates covariates to the cumulative incidence of an event with a competing event; gives "
                       "subdistribution hazard ratios (SHR).",
    "Landmark estimate": "a curve read at a fixed time (12 or 24 months), with its confidence interval and the "
                         "number still followed.",
    "Clopper-Pearson interval": "the exact confidence interval of a proportion (k of n), valid with few events.",
    "Reverse Kaplan-Meier": "median follow-up, estimated by treating being last seen alive as the event.",
    **{f"Preset: {name}": convention.note for name, convention in PRESETS.items()},
}
