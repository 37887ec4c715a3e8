"""Columns that look like direct identifiers (names, record numbers, dates of birth, phones, ...)."""
from __future__ import annotations

import re

import pandas as pd

from ilp_core.cohort.mapping import normalise_header

_HEADER_WORDS = {
    "patient names": ["name", "names", "patient name", "first name", "last name", "surname", "full name", "nombre",
                      "apellido", "apellidos", "nome", "cognome", "nom", "prenom", "vorname", "nachname", "naam",
                      "achternaam", "voornaam", "nome completo", "nombre y apellidos"],
    "medical record numbers": ["mrn", "medical record", "medical record number", "record number", "hospital number",
                               "nhs number", "chart number", "nhc", "historia clinica", "numero historia",
                               "cartella clinica", "dossier", "numero dossier", "fallnummer", "pid nummer",
                               "ziekenhuisnummer", "processo clinico", "numero processo"],
    "national identity numbers": ["ssn", "social security", "social security number", "dni", "nie", "nif",
                                  "codice fiscale", "bsn", "burgerservicenummer", "passport", "insurance number",
                                  "versichertennummer", "numero seguridad social", "cpf", "nir"],
    "phone numbers": ["phone", "telephone", "tel", "mobile", "cell phone", "telefono", "telefone", "telefon",
                      "telefoon", "portable", "movil", "cellulare"],
    "dates of birth": ["dob", "date of birth", "birth date", "birthdate", "birthday", "fecha de nacimiento",
                       "fecha nacimiento", "data di nascita", "data de nascimento", "geburtsdatum",
                       "date de naissance", "geboortedatum", "nascimento", "nacimiento"],
    "addresses": ["address", "street", "postcode", "zip code", "direccion", "indirizzo", "adresse", "adres",
                  "morada", "endereco", "codigo postal", "cap"],
    "e-mail addresses": ["email", "e mail", "mail", "correo", "correo electronico"],
}
_HEADERS = {normalise_header(w): kind for kind, words in _HEADER_WORDS.items() for w in words}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[\d\s().-]{9,}$")


def _kind_from_values(values: pd.Series) -> str | None:
    values = values.dropna()
    if pd.api.types.is_float_dtype(values):  # a measurement (BMI 18.515151...) is no phone number
        values = values[values % 1 == 0].astype("int64")
    text = values.astype(str).str.strip()
    text = text[text != ""]
    if len(text) < 2:
        return None
    if text.map(lambda v: bool(_EMAIL.match(v))).mean() > 0.5:
        return "e-mail addresses"
    if text.map(lambda v: bool(_PHONE.match(v)) and sum(c.isdigit() for c in v) >= 9).mean() > 0.5:
        return "phone numbers"
    return None


def identifier_kind(header, values: pd.Series) -> str | None:
    """What a column seems to hold if it identifies patients directly ('medical record numbers'),
    judged by its header (in seven languages) or its values (e-mail addresses, phone numbers)."""
    return _HEADERS.get(normalise_header(header)) or _kind_from_values(values)


def identifier_columns(table: pd.DataFrame) -> dict[str, str]:
    """``{header: what it seems to hold}`` for columns that look like direct identifiers."""
    found = {}
    for header in table.columns:
        kind = identifier_kind(header, table[header])
        if kind:
            found[header] = kind
    return found
