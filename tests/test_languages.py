"""The synthetic cohort as units in six languages would keep it: every patient is read, with the same values.

Each workbook is the bundled sample translated: its own headers (with the local acronym of isolated
limb perfusion), its own words for sex, limb, presentation, yes/no, vital status and grade, and the
file a unit's tools write (semicolon CSV in Latin-1 or Windows-1252 with day-first dates and decimal
commas, a UTF-8 CSV with a byte-order mark, or an .xlsx written by openpyxl).
"""
import io

import pandas as pd
import pytest
from openpyxl import Workbook
from sample_path import SAMPLE

import ilp_core as core
from ilp_core.schema import FIELD_NAMES

LANGUAGES = {
    "es": dict(
        headers=["Código paciente", "Sexo", "Edad", "Miembro", "Localización", "Histología", "Presentación",
                 "Tamaño (cm)", "Grado", "Fecha PAI", "PAI completada", "Motivo interrupción",
                 "Toxicidad Wieberdink", "Cirugía conservadora", "Fecha cirugía", "Muerte 30 días",
                 "Síndrome compartimental", "Amputación por reacción", "Amputación", "Fecha amputación",
                 "Recidiva local", "Fecha recidiva", "Estado vital", "Fecha fallecimiento",
                 "Fecha último seguimiento"],
        sex={"F": "M", "M": "H"}, limb={"lower": "Miembro inferior", "upper": "Miembro superior"},
        presentation={"primary": "Primario", "recurrent": "Recidivado"}, flag=("Sí", "No"),
        vital={"alive": "Vivo", "dead": "Fallecido"}, grade="Grado {}", file="csv", encoding="latin-1"),
    "it": dict(
        headers=["Codice paziente", "Sesso", "Età", "Arto", "Sede", "Istotipo", "Presentazione",
                 "Dimensione (cm)", "Grado", "Data PIA", "PIA completata", "Motivo interruzione",
                 "Tossicità Wieberdink", "Chirurgia conservativa", "Data chirurgia", "Morte 30 giorni",
                 "Sindrome compartimentale", "Amputazione per reazione", "Amputazione", "Data amputazione",
                 "Recidiva locale", "Data recidiva", "Stato vitale", "Data decesso", "Data ultimo controllo"],
        sex={"F": "F", "M": "M"}, limb={"lower": "Arto inferiore", "upper": "Arto superiore"},
        presentation={"primary": "Primitivo", "recurrent": "Recidiva"}, flag=("Sì", "No"),
        vital={"alive": "Vivo", "dead": "Deceduto"}, grade="G{}", file="xlsx"),
    "pt": dict(
        headers=["Id doente", "Sexo", "Idade", "Membro", "Localização", "Histologia", "Apresentação",
                 "Tamanho (cm)", "Grau", "Data PIM", "PIM concluída", "Motivo abandono", "Toxicidade Wieberdink",
                 "Cirurgia conservadora", "Data cirurgia", "Óbito 30 dias", "Síndrome compartimental",
                 "Amputação precoce", "Amputação", "Data amputação", "Recorrência local", "Data recorrência",
                 "Status vital", "Data óbito", "Data último seguimento"],
        sex={"F": "M", "M": "H"}, limb={"lower": "Membro inferior", "upper": "Membro superior"},
        presentation={"primary": "Primário", "recurrent": "Recorrente"}, flag=("Sim", "Não"),
        vital={"alive": "Vivo", "dead": "Falecido"}, grade="Grau {}", file="csv", encoding="cp1252"),
    "de": dict(
        headers=["Patienten-ID", "Geschlecht", "Alter", "Extremität", "Lokalisation", "Histologie", "Präsentation",
                 "Tumorgröße (cm)", "Grad", "ILP-Datum", "ILP abgeschlossen", "Abbruchgrund", "Toxizität Wieberdink",
                 "Extremitätenerhaltende Operation", "Operationsdatum", "Tod 30 Tage", "Kompartmentsyndrom",
                 "Frühamputation", "Amputation", "Amputationsdatum", "Lokalrezidiv", "Rezidivdatum", "Vitalstatus",
                 "Todesdatum", "Letzte Nachsorge"],
        sex={"F": "W", "M": "M"}, limb={"lower": "Bein", "upper": "Arm"},
        presentation={"primary": "Primär", "recurrent": "Rezidiv"}, flag=("Ja", "Nein"),
        vital={"alive": "Lebend", "dead": "Verstorben"}, grade="G{}", file="xlsx"),
    "fr": dict(
        headers=["Code patient", "Sexe", "Âge", "Membre", "Site tumeur", "Type histologique", "Présentation",
                 "Taille (cm)", "Grade", "Date PIM", "ILP terminée", "Raison arrêt", "Toxicité Wieberdink",
                 "Chirurgie conservatrice", "Date chirurgie", "Décès 30 jours", "Syndrome des loges",
                 "Amputation précoce", "Amputation", "Date d'amputation", "Récidive locale", "Date de récidive",
                 "Statut vital", "Date de décès", "Dernières nouvelles"],
        sex={"F": "F", "M": "H"}, limb={"lower": "Membre inférieur", "upper": "Membre supérieur"},
        presentation={"primary": "Primitif", "recurrent": "Récidive"}, flag=("Oui", "Non"),
        vital={"alive": "Vivant", "dead": "Décédé"}, grade="Grade {}", file="csv", encoding="utf-8-sig"),
    "nl": dict(
        headers=["Patiëntnummer", "Geslacht", "Leeftijd", "Ledemaat", "Locatie", "Histologisch subtype",
                 "Presentatie", "Tumorgrootte (cm)", "Graad", "Datum ILP", "ILP voltooid", "Reden afbreken",
                 "Toxiciteit Wieberdink", "Ledemaatsparende operatie", "Operatiedatum", "Overlijden 30 dagen",
                 "Compartimentsyndroom", "Vroege amputatie", "Amputatie", "Amputatiedatum", "Lokaal recidief",
                 "Datum recidief", "Vitale status", "Overlijdensdatum", "Laatste controle"],
        sex={"F": "V", "M": "M"}, limb={"lower": "Been", "upper": "Arm"},
        presentation={"primary": "Primair", "recurrent": "Recidief"}, flag=("Ja", "Nee"),
        vital={"alive": "Levend", "dead": "Overleden"}, grade="Graad {}", file="xlsx"),
}


@pytest.fixture(scope="module")
def sample():
    return core.load_cohort(SAMPLE).data


def _cell(value, field: str, words: dict, as_text: bool):
    """The sample's canonical value as this unit writes it."""
    kind = core.FIELDS[FIELD_NAMES.index(field)].kind
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if kind == "flag":
        return words["flag"][0 if value else 1]
    if kind in ("sex", "limb", "presentation", "vital"):
        return words[kind][value]
    if kind == "grade":
        return words["grade"].format(int(value))
    if kind == "date":
        return value.strftime("%d/%m/%Y") if as_text else value.to_pydatetime()
    if kind == "number" and as_text:
        return f"{value:g}".replace(".", ",")  # decimal commas
    return value


def translated(sample: pd.DataFrame, language: str) -> bytes:
    words = LANGUAGES[language]
    as_text = words["file"] == "csv"
    rows = [[_cell(patient[f], f, words, as_text) for f in FIELD_NAMES] for _, patient in sample.iterrows()]
    if as_text:
        lines = [";".join(words["headers"])] + [";".join("" if v is None else str(v) for v in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode(words["encoding"])
    book = Workbook()
    book.active.append(words["headers"])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_patient_of_a_translated_workbook_is_read_with_the_same_values(sample, language):
    cohort = core.load_cohort(translated(sample, language))
    assert dict(zip(cohort.mapping.values(), cohort.mapping)) == dict(zip(LANGUAGES[language]["headers"],
                                                                          FIELD_NAMES)), "a header was not guessed"
    assert cohort.n_patients == len(sample) and cohort.n_excluded == 0
    assert (cohort.problems.severity != "error").all(), cohort.problems.to_string()
    for field in FIELD_NAMES:
        pd.testing.assert_series_equal(cohort.data[field], sample[field], check_dtype=False, obj=field)


def test_the_spanish_export_loses_no_patient_to_recidivado_or_pai(sample):
    """The layout a Spanish unit sent: semicolons, Latin-1, day-first dates, decimal commas, 'Recidivado'."""
    data = translated(sample, "es")
    assert b";" in data and "Recidivado".encode("latin-1") in data and b"Fecha PAI" in data and b"7,1" in data
    cohort = core.load_cohort(data)
    assert cohort.summary() == f"{len(sample)} patients loaded, 0 rows excluded, 1 warning."
    assert cohort.problems.message.tolist() == ["M read as mujer/mulher (female) and H as hombre/homem (male): "
                                                "this column codes H/M"]
    assert (cohort.data.presentation == "recurrent").sum() == (sample.presentation == "recurrent").sum() > 0
