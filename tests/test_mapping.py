"""suggest_mapping recognises clinicians' own headers."""
import pytest

import ilp_core as core


@pytest.mark.parametrize("header,field", [
    ("Date of ILP", "ilp_date"), ("ILP date", "ilp_date"), ("Fecha ILP", "ilp_date"), ("ilp_date", "ilp_date"),
    ("Date of ILP (dd/mm/yyyy)", "ilp_date"), ("LR", "local_recurrence"), ("Date last FU", "last_followup_date"),
    ("Last follow-up", "last_followup_date"), ("Status at last FU", "vital_status"), ("Gender", "sex"),
    ("Sex (M/F)", "sex"), ("Age (years)", "age_years"), ("Tumour size (cm)", "tumor_size_cm"),
    ("Nº", "patient_id"), ("FNCLCC grade", "grade"), ("Wieberdink", "wieberdink_grade"),
    ("Compartment syndrome", "compartment_syndrome"), ("LR date", "local_recurrence_date"),
    # Spanish, Italian, Portuguese, German, French, Dutch
    ("Fecha de fallecimiento", "death_date"), ("Estado vital", "vital_status"), ("Recidiva local", "local_recurrence"),
    ("Data ultimo follow-up", "last_followup_date"), ("Sesso", "sex"), ("Arto", "limb"), ("Amputazione", "amputation"),
    ("Data óbito", "death_date"), ("Idade", "age_years"), ("Cirurgia", "surgery"),
    ("Geschlecht", "sex"), ("Todesdatum", "death_date"), ("Letzte Nachsorge", "last_followup_date"),
    ("Lokalrezidiv", "local_recurrence"), ("Date de décès", "death_date"), ("Récidive locale", "local_recurrence"),
    ("Statut vital", "vital_status"), ("Overlijdensdatum", "death_date"), ("Lokaal recidief", "local_recurrence"),
    ("Geslacht", "sex"), ("Ledemaat", "limb"),
])
def test_header_is_recognised(header, field):
    assert core.suggest_mapping([header]) == {field: header}


def test_each_header_and_field_used_once_best_match_first():
    mapping = core.suggest_mapping(["Amputation date", "Amputation", "Date", "Notes", None, ""])
    assert mapping == {"amputation": "Amputation", "amputation_date": "Amputation date"}


def test_unrecognised_headers_are_left_out():
    assert core.suggest_mapping(["Hospital", "Surgeon", "Comments"]) == {}


def test_mapping_follows_schema_order():
    mapping = core.suggest_mapping(["Date last FU", "ID", "Limb"])
    assert list(mapping) == ["patient_id", "limb", "last_followup_date"]


def test_a_header_with_its_coding_or_a_note_in_brackets_is_guessed():
    """ "Status (0=alive,1=dead)" was not guessed as the vital status, nor nested notes."""
    guessed = core.suggest_mapping(["Pt ID", "Status (0=alive,1=dead)", "Histology (WHO (2013))", "Sex [M/F]"])
    assert (guessed["vital_status"], guessed["histology"], guessed["sex"]) == \
        ("Status (0=alive,1=dead)", "Histology (WHO (2013))", "Sex [M/F]")
    # a bracketed match is weaker than a plain one
    assert core.suggest_mapping(["Status (0=alive,1=dead)", "Vital status"])["vital_status"] == "Vital status"
