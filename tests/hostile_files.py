"""A corpus of hostile and broken files, built by the tests (nothing downloaded)."""
from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook
from workbooks import ENGLISH, ods, patient, workbook

LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi")) + "]>")
XXE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def rewrite(data: bytes, member: str, edit) -> bytes:
    """The archive with one member's bytes changed by ``edit``."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)  # the same ZipInfo: an .ods needs its mimetype stored, first
            target.writestr(info, edit(content) if info.filename == member else content)
    return out.getvalue()


def add_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in zipfile.ZipFile(io.BytesIO(data)).infolist():
            target.writestr(info.filename, zipfile.ZipFile(io.BytesIO(data)).read(info.filename))
        target.writestr(name, content)
    return out.getvalue()


def _saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list]) -> str:
    return "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\n"


SHEET = "xl/worksheets/sheet1.xml"
BASE = [ENGLISH, patient("P1"), patient("P2")]


def corpus() -> dict[str, bytes]:
    """name -> file bytes."""
    base = workbook(BASE)
    files = {
        "billion laughs": rewrite(base, SHEET, lambda x: LAUGHS.encode() + x.replace(b"<t>P1", b"<t>&i;P1", 1)),
        "external entity": rewrite(base, SHEET, lambda x: XXE.encode() + x.replace(b"<t>P1", b"<t>&xxe;P1", 1)),
        "truncated": base[: len(base) // 2],
        "pdf renamed": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
        "nul bytes in csv": _csv(BASE).replace("P1", "P\x001").encode(),
        "nul bytes in sheet xml": rewrite(base, SHEET, lambda x: x.replace(b"<t>P1", b"<t>P\x001", 1)),
        "ten mb in one cell (csv)": _csv([ENGLISH, patient("P1", histology="x" * 10_000_000), patient("P2")]).encode(),
        "ten mb in one cell (xlsx)": workbook([ENGLISH, patient("P1", histology="y" * 10_000_000), patient("P2")]),
        "mixed encodings (csv)": _csv([ENGLISH, patient("P1", histology="liposarcome myxo\u00efde")]).encode("utf-8")
        + _csv([patient("P2", histology="sarcome \u00e9pith\u00e9lio\u00efde")]).encode("latin-1"),
    }
    zeros = io.BytesIO()
    with zipfile.ZipFile(zeros, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open(SHEET, "w", force_zip64=True) as member:
            for _ in range(700):
                member.write(b"0" * 2**20)
    files["zip bomb"] = zeros.getvalue()
    from msoffcrypto.format.ooxml import OOXMLFile
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(base)).encrypt("secret", encrypted)
    files["encrypted"] = encrypted.getvalue()
    files["macro workbook"] = add_member(base, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"Attribute VB_Name" * 100)
    book = Workbook()
    for row in BASE:
        book.active.append(row)
    book.active.cell(row=1_000_000, column=1, value="stray")
    files["a million empty rows"] = _saved(book)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("wide")
    sheet.append(ENGLISH + [f"extra {i}" for i in range(16_384 - len(ENGLISH))])
    sheet.append(patient("P1") + ["x"] * (16_384 - len(ENGLISH)))
    files["16384 columns"] = _saved(book)
    files["formulas with cached values"] = rewrite(
        workbook([ENGLISH, patient("P1", age=None), patient("P2", age=None)]), SHEET,
        lambda x: x.replace(b'<c r="C2" s="1" t="inlineStr"><is><t></t></is></c>', b"", 1)
        .replace(b'<c r="B2"', b'<c r="C2"><f>50+5</f><v>55</v></c><c r="B2"', 1))
    book = Workbook()
    for row in [ENGLISH, patient("P1"), patient("P2", limb=None)]:
        book.active.append(row)
    book.active.merge_cells("D2:D3")
    files["merged cells"] = _saved(book)
    book = Workbook()
    book.active.title = "About"
    book.active["A1"] = "Read me"
    hidden = book.create_sheet("cohort")
    for row in BASE:
        hidden.append(row)
    hidden.sheet_state = "hidden"
    files["hidden sheet"] = _saved(book)
    files.update(_extents(base))
    files.update(_text_tables())
    files.update(_careless())
    files.update(_second_attack())
    return files


def _second_attack() -> dict[str, bytes]:
    """What a second attack on the defences found: work that grew with a range, a tag or a line ending."""
    rows = [ENGLISH] + [patient(f"P{i}") for i in range(1, 35)]
    base = workbook(rows)
    far_merge = rewrite(base, SHEET, lambda x: x.replace(
        b"</sheetData>", b'<row r="20000"><c r="J20000" t="inlineStr"><is><t></t></is></c></row></sheetData>'
        b'<mergeCells count="1"><mergeCell ref="P2:XFD20000"/></mergeCells>', 1))
    many_merges = rewrite(base, SHEET, lambda x: x.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="100000">' + b'<mergeCell ref="P2:P35"/>' * 100_000
        + b"</mergeCells>", 1))
    return {
        "a merged range to column XFD": far_merge,
        "100,000 copies of one merged range": many_merges,
        "row tags that never close": rewrite(base, SHEET, lambda x: x.replace(
            b"<sheetData>", b"<sheetData><!-- " + b"<row " * 40_000 + b"-->", 1)),
        "error-cell tags that never close": rewrite(base, SHEET, lambda x: x.replace(
            b"<sheetData>", b"<sheetData><!-- " + b'<c t="e" ' * 30_000 + b"-->", 1)),
        "csv with CR line endings past the row limit": b"a,b\r" * 1_100_000,
        "a patient above the header": workbook([patient("P0"), ENGLISH, patient("P1"), patient("P2")]),
    }


def _far_cell(xml: bytes, dimension: bytes | None) -> bytes:
    """One cell at XFD60000 after the data; the <dimension> set to ``dimension`` (None: removed)."""
    xml = xml.replace(b"</sheetData>", b'<row r="60000"><c r="XFD60000"><v>1</v></c></row></sheetData>', 1)
    start = xml.find(b"<dimension")
    if start >= 0:
        end = xml.find(b"/>", start) + 2
        xml = xml[:start] + (b'<dimension ref="' + dimension + b'"/>' if dimension else b"") + xml[end:]
    return xml


def _ods_repeats(content: bytes) -> bytes:
    row = (b'<table:table-row table:number-rows-repeated="20000"><table:table-cell '
           b'table:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p>'
           b"</table:table-cell></table:table-row>")
    return content.replace(b"</table:table>", row + b"</table:table>", 1)


def _extents(base: bytes) -> dict[str, bytes]:
    """Sheets whose real extent is far beyond their size: calamine allocates the whole rectangle."""
    import xlwt
    thousand = workbook([ENGLISH] + [patient(f"P{i}") for i in range(1000)])
    files = {
        "forged dimension, cell at XFD60000": rewrite(base, SHEET, lambda x: _far_cell(x, b"A1:P3")),
        "no dimension, cell at XFD60000": rewrite(base, SHEET, lambda x: _far_cell(x, None)),
        "1000 rows and a far cell": rewrite(thousand, SHEET, lambda x: _far_cell(x, b"A1:P1001")),
        "ods with repeated rows and columns": rewrite(ods(BASE), "content.xml", _ods_repeats),
    }
    book = xlwt.Workbook()
    sheet = book.add_sheet("cohort")
    for r, row in enumerate(BASE):
        for c, value in enumerate(row):
            sheet.write(r, c, value if not hasattr(value, "year") else value.isoformat())
    sheet.write(65535, 255, "x")
    buffer = io.BytesIO()
    book.save(buffer)
    files["xls with a cell at IV65536"] = buffer.getvalue()
    return files


def _text_tables() -> dict[str, bytes]:
    rows = [ENGLISH] + [patient(f"P{i}") for i in range(1, 11)]
    lines = _csv(rows).splitlines()
    never = lines[:]
    never[3] += ',"left open'  # a trailing cell that opens a quote
    closed = lines[:]
    closed[3] += ',"opened here'
    closed[7] += ',closed here"'
    one_code = [ENGLISH] + [patient("SAME")] * 20_000
    return {
        "csv with a quote never closed": ("\n".join(never) + "\n").encode(),
        "csv with a quote closed four rows later": ("\n".join(closed) + "\n").encode(),
        "60 MB csv of tiny cells": (("ab," * 1000 + "\n") * 20_000).encode(),
        "a 45 MB csv of one line": b"a" * (45 * 2**20),
        "a 20 MB csv of tiny cells": (("ab," * 1000 + "\n") * 7_000).encode(),
        "20,000 rows with one code": _csv(one_code).encode(),
    }


def _careless() -> dict[str, bytes]:
    """What a busy person's workbook holds: look-alike codes, odd category values, O for 0."""
    odd = [ENGLISH + ["Reference"]] + [patient(f"P{i}") + [v] for i, v in
                                       enumerate(["12.03.2019", "1.2.3", "\u2460", "10\u00b2", "7"])]
    return {
        "look-alike codes": workbook([ENGLISH, patient("P1"), patient("p1"), patient("P\u200b1"),
                                      patient("\uff30\uff11"), patient("P2")]),
        "odd category values": workbook(odd),
        "letter O among 0 and 1": workbook([ENGLISH, patient("P1", amputation="O"), patient("P2", amputation="0"),
                                            patient("P3", amputation="1", amputation_date="2019-01-01")]),
        "error values": rewrite(workbook([ENGLISH, patient("P1"), patient("P2", age="AGE")]), SHEET,
                                lambda x: x.replace(b'<c r="C3" s="1" t="inlineStr"><is><t>AGE</t></is></c>',
                                                    b'<c r="C3" s="1" t="e"><f>1/0</f><v>#DIV/0!</v></c>')),
        "vertical tab in a value (csv)": _csv([ENGLISH, patient("P1", histology="UPS\x0bgrade 3"),
                                               patient("P2")]).encode(),
    }
