"""Guessing which spreadsheet column holds which cohort field.

Headers are compared after normalisation (case, accents, punctuation, spacing,
a few abbreviations and filler words), first as whole phrases, then as sets of
words, then allowing unit words such as "(cm)" or "(years)". Synonyms cover
English, Spanish, Italian, Portuguese, German, French and Dutch.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ilp_core.schema import FIELD_NAMES

_FILLER = {"of", "the", "at", "in", "on", "for", "a", "de", "del", "della", "di", "da", "do", "dos",
           "das", "der", "die", "des", "du", "la", "le", "el", "van", "het", "en", "y", "e", "et",
           "und", "al", "na", "nr", "n", "no", "num", "number"}
_KEEP_SHORT = {"no", "n"}  # meaningful on their own ("No" = patient number column)
_UNIT_WORDS = {"cm", "mm", "years", "year", "yrs", "yr", "y", "anos", "anni", "jahre", "ans", "jaar",
               "m", "f", "mf", "fm", "yes", "si", "ja", "oui", "sim", "0", "1", "2", "3", "i", "ii",
               "iii", "iv", "dd", "yyyy", "yy", "jjjj", "aaaa", "tt", "jj", "mmm",
               "fnclcc", "months", "ddmmyyyy", "mmddyyyy", "yyyymmdd", "ddmmyy"}
# Local names of isolated limb perfusion: PAI (perfusión aislada de la extremidad), PIA / PIM
# (perfusione isolata dell'arto, perfusão / perfusion isolée de membre), ILP elsewhere.
_ILP_ACRONYMS = {"pai": "ilp", "pia": "ilp", "pim": "ilp", "ilpm": "ilp"}
_ABBREVIATIONS = {**_ILP_ACRONYMS, "pt": "patient", "pat": "patient", "pts": "patient", "dx": "diagnosis",
                  "f u": "fu", "followup": "follow up", "fup": "fu", "lfu": "last fu",
                  "tumour": "tumor", "amp": "amputation", "rec": "recurrence", "yo": "years"}

_SYNONYMS: dict[str, list[str]] = {
    "patient_id": ["patient id", "id", "patient", "patient code", "code", "study id", "record id",
                   "case", "case id", "subject", "subject id", "no", "n", "id paciente", "paciente",
                   "codigo", "codigo paciente", "numero paciente", "id paziente", "paziente",
                   "codice", "codice paziente", "patienten id", "patientennummer", "patient nr",
                   "patientnummer", "patiëntnummer", "patient identifier", "code patient",
                   "numero patient", "identifiant", "doente", "id doente", "pid", "historia", "n historia",
                   "numero historia", "historia clinica", "nhc", "n hc", "numero de historia", "cartella",
                   "cartella clinica", "processo", "dossier", "numero dossier", "ipp"],
    "sex": ["sex", "gender", "sexo", "genero", "sesso", "geschlecht", "sexe", "geslacht", "genre"],
    "age_years": ["age", "age years", "age at ilp", "age at perfusion", "age at treatment",
                  "edad", "eta", "idade", "alter", "age ans", "leeftijd", "age at diagnosis"],
    "limb": ["limb", "extremity", "treated limb", "limb treated", "upper lower", "upper or lower",
             "upper lower limb", "extremidad", "miembro", "arto", "arto trattato", "membro",
             "extremitat", "membre", "ledemaat", "extremiteit", "side limb", "upper lower extremity"],
    "site": ["site", "tumor site", "location", "tumor location", "anatomical site", "localization",
             "localisation", "localizacion", "localizacao", "sede", "sede tumore", "lokalisation",
             "locatie", "localisatie", "sitio", "site tumeur", "local"],
    "histology": ["histology", "histotype", "histological subtype", "histological type", "subtype",
                  "histologic subtype", "diagnosis", "pathology", "histologia", "istologia",
                  "histologie", "tipo histologico", "istotipo", "subtipo", "histologischer typ",
                  "type histologique", "histologisch subtype"],
    "presentation": ["presentation", "primary recurrent", "primary or recurrent", "disease status",
                     "status at presentation", "presentacion", "presentazione", "apresentacao",
                     "prasentation", "presentatie", "primario recidiva", "primary recurrence"],
    "tumor_size_cm": ["tumor size", "size", "tumor size cm", "size cm", "largest diameter",
                      "max diameter", "maximum diameter", "diameter", "tamano", "tamano tumoral",
                      "tamano tumor", "dimensione", "dimensione tumore", "diametro", "tamanho",
                      "tamanho tumor", "grosse", "tumorgrosse", "taille", "taille tumeur",
                      "grootte", "tumorgrootte"],
    "grade": ["grade", "fnclcc grade", "tumor grade", "grading", "grado", "grau", "grad", "graad",
              "grade fnclcc", "histological grade"],
    "ilp_date": ["ilp date", "date ilp", "ilp", "perfusion date", "date perfusion", "date of ilp",
                 "fecha ilp", "fecha perfusion", "data ilp", "data perfusione", "data perfusao",
                 "datum ilp", "ilp datum", "perfusionsdatum", "date de perfusion", "perfusiedatum",
                 "datum perfusie", "treatment date", "ilp performed"],
    "ilp_completed": ["ilp completed", "completed", "perfusion completed", "ilp complete",
                      "complete", "completed ilp", "ilp completa", "ilp completada",
                      "perfusion completa", "perfusione completata", "ilp completata",
                      "ilp concluida", "perfusao completa", "ilp abgeschlossen", "perfusion vollstandig",
                      "perfusion complete", "ilp terminee", "ilp voltooid", "perfusie voltooid"],
    "ilp_abort_reason": ["abort reason", "ilp abort reason", "reason not completed", "reason aborted",
                         "reason for abort", "reason incomplete", "abort", "aborted reason",
                         "motivo interrupcion", "motivo", "motivo interruzione", "motivo abandono",
                         "abbruchgrund", "grund abbruch", "raison arret", "raison interruption",
                         "reden afbreken", "reden niet voltooid"],
    "wieberdink_grade": ["wieberdink", "wieberdink grade", "grade wieberdink", "local toxicity",
                         "acute toxicity", "toxicity", "acute local toxicity", "grado wieberdink",
                         "toxicidad", "toxicidad local", "tossicita", "tossicita locale", "toxicidade",
                         "toxizitat", "toxicite", "toxicite locale", "toxiciteit", "wieberdink toxicity",
                         "toxicity wieberdink", "toxicidad wieberdink", "toxicidad local wieberdink",
                         "tossicita wieberdink", "toxicidade wieberdink", "toxizitat wieberdink",
                         "toxicite wieberdink", "toxiciteit wieberdink", "grado de toxicidad"],
    "surgery": ["surgery", "resection", "surgery done", "limb sparing surgery", "limb sparing resection",
                "resected", "operation", "operated", "cirugia", "reseccion", "chirurgia", "resezione",
                "cirurgia", "resseccao", "chirurgie", "resektion", "operatie", "resectie", "ops",
                "conservative surgery", "limb sparing", "cirugia conservadora", "chirurgia conservativa",
                "cirurgia conservadora", "chirurgie conservatrice", "extremitatenerhaltende operation",
                "ledemaatsparende operatie", "reseccion quirurgica", "exeresis"],
    "surgery_date": ["surgery date", "date surgery", "date of surgery", "resection date", "date resection",
                     "operation date", "fecha cirugia", "fecha reseccion", "data chirurgia",
                     "data intervento", "data cirurgia", "operationsdatum", "op datum", "datum op",
                     "date chirurgie", "date operation", "operatiedatum", "datum operatie"],
    "early_death": ["early death", "death within 30 days", "30 day mortality", "30 day death",
                    "death 30 days", "mortality 30 days", "early mortality", "muerte precoz",
                    "mortalidad 30 dias", "morte precoce", "mortalita 30 giorni", "decesso precoce",
                    "morte precoce", "fruhtod", "30 tage mortalitat", "deces precoce",
                    "mortalite 30 jours", "vroege sterfte", "30 dagen mortaliteit", "muerte 30 dias",
                    "exitus 30 dias", "morte 30 giorni", "decesso 30 giorni", "morte 30 dias", "obito 30 dias",
                    "tod 30 tage", "deces 30 jours", "overlijden 30 dagen", "death 30 day"],
    "compartment_syndrome": ["compartment syndrome", "compartment", "sindrome compartimental",
                             "sindrome compartimentale", "sindrome compartimental", "kompartmentsyndrom",
                             "syndrome des loges", "syndrome compartimental", "compartimentsyndroom"],
    "reaction_amputation": ["reaction amputation", "amputation for reaction", "amputation reaction",
                            "early amputation", "amputation for toxicity", "toxicity amputation",
                            "amputacion por reaccion", "amputacion precoz", "amputazione precoce",
                            "amputazione per reazione", "amputacao precoce", "fruhamputation",
                            "amputation precoce", "vroege amputatie"],
    "amputation": ["amputation", "amputated", "amputee", "any amputation", "amputacion", "amputazione",
                   "amputacao", "amputatie", "amputiert", "ampute"],
    "amputation_date": ["amputation date", "date amputation", "date of amputation", "fecha amputacion",
                        "data amputazione", "data amputacao", "amputationsdatum", "datum amputation",
                        "date d amputation", "amputatiedatum", "datum amputatie"],
    "local_recurrence": ["local recurrence", "lr", "recurrence", "local relapse", "relapse",
                         "local failure", "recidiva local", "recidiva", "recaida local", "recurrencia local",
                         "recidiva locale", "recidiva", "recorrencia local", "recidiva local",
                         "lokalrezidiv", "rezidiv", "recidive locale", "recidive", "lokaal recidief",
                         "recidief", "local recurrence yes no"],
    "local_recurrence_date": ["local recurrence date", "lr date", "date lr", "date local recurrence",
                              "recurrence date", "date recurrence", "relapse date", "date relapse",
                              "fecha recidiva", "fecha recidiva local", "fecha recaida",
                              "data recidiva", "data recidiva locale", "data recorrencia",
                              "rezidivdatum", "datum rezidiv", "date recidive", "date de recidive",
                              "datum recidief", "recidiefdatum"],
    "vital_status": ["vital status", "status", "status at last fu", "status last fu", "status at last follow up",
                     "status last follow up", "alive dead", "dead alive", "alive or dead", "outcome",
                     "survival status", "estado vital", "estado", "estado ultimo control", "stato vitale",
                     "stato", "status vital", "estado ultimo seguimento", "vitalstatus", "status letzte nachsorge",
                     "statut vital", "statut", "etat dernieres nouvelles", "vitale status", "status laatste controle",
                     "alive"],
    "death_date": ["death date", "date death", "date of death", "dod", "fecha muerte", "fecha fallecimiento",
                   "fecha defuncion", "data morte", "data decesso", "data obito", "todesdatum",
                   "sterbedatum", "datum tod", "date deces", "date de deces", "overlijdensdatum",
                   "datum overlijden", "deceased date", "fecha exitus", "data exitus",
                   "date exitus", "fecha de exitus", "data do obito"],
    "last_followup_date": ["last follow up", "last follow up date", "date last follow up", "last fu",
                           "date last fu", "last fu date", "last contact", "last contact date",
                           "date last contact", "last visit", "date last visit", "follow up date",
                           "fecha ultimo seguimiento", "ultimo seguimiento", "fecha ultimo control",
                           "ultimo control", "fecha ultimo contacto", "data ultimo follow up",
                           "ultimo follow up", "data ultimo controllo", "ultimo controllo",
                           "data ultimo seguimento", "ultimo seguimento", "letzte nachsorge",
                           "datum letzte nachsorge", "letzter kontakt", "datum letzter kontakt",
                           "date dernier suivi", "dernier suivi", "dernieres nouvelles",
                           "date dernieres nouvelles", "laatste follow up", "datum laatste follow up",
                           "laatste controle", "datum laatste controle", "end of follow up"],
}


def normalise_header(text) -> str:
    """Lower-case, accents and punctuation removed, abbreviations spelled out."""
    text = str(text).replace("ß", "ss").replace("ẞ", "SS")  # German sharp s has no accent to drop: Größe, Grösse
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("f/u", "fu").replace("follow-up", "follow up").replace("followup", "follow up")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    words = [_ABBREVIATIONS.get(word, word) for word in text.split()]
    return " ".join(" ".join(words).split())


def _words(phrase: str) -> frozenset[str]:
    words = phrase.split()
    kept = [w for w in words if w not in _FILLER or (len(words) == 1 and w in _KEEP_SHORT)]
    return frozenset(kept or words)


_PHRASES = {field: {normalise_header(s) for s in synonyms} for field, synonyms in _SYNONYMS.items()}
_WORD_SETS = {field: {_words(p) for p in phrases} for field, phrases in _PHRASES.items()}
assert set(_SYNONYMS) == set(FIELD_NAMES), "every schema field needs synonyms"


def _score(header: str, field: str) -> int:
    """3 exact phrase, 2 same words, 1 same words plus unit words or a match once a bracketed note is
    left aside ("Status (0=alive,1=dead)"); 0 no match."""
    score = _phrase_score(header, field)
    bare = str(header)
    while not score and (inner := re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", bare)) != bare:
        bare = inner  # nested notes from the inside out: "Histology (WHO (2013))"
        if _phrase_score(bare, field):
            return 1
    return score


def _phrase_score(header: str, field: str) -> int:
    phrase = normalise_header(header)
    if not phrase:
        return 0
    if phrase in _PHRASES[field]:
        return 3
    words = _words(phrase)
    if words in _WORD_SETS[field]:
        return 2
    for synonym in _WORD_SETS[field]:
        extra = words - synonym
        if synonym <= words and extra and extra <= _UNIT_WORDS:
            return 1
    return 0


def suggest_mapping(headers: Iterable) -> dict[str, str]:
    """Guess ``{field: header}`` for the fields recognised among ``headers``.

    Each header is used at most once and each field at most once; stronger
    matches win (an exact phrase beats a set of words), then the leftmost header.
    Unrecognised headers are left out and stay available as extra columns.

    Examples
    --------
    >>> suggest_mapping(["Nº", "Date of ILP", "Gender", "LR", "Date last FU", "Status at last FU"])["ilp_date"]
    'Date of ILP'
    """
    headers = [h for h in headers if h is not None and str(h).strip()]
    candidates = []
    for position, header in enumerate(headers):
        for field in FIELD_NAMES:
            score = _score(header, field)
            if score:
                candidates.append((-score, position, field, header))
    mapping: dict[str, str] = {}
    used: set[int] = set()
    for _, position, field, header in sorted(candidates):
        if field not in mapping and position not in used:
            mapping[field] = header
            used.add(position)
    return {field: mapping[field] for field in FIELD_NAMES if field in mapping}
