"""Parse a workbook with calamine in a child process, under a memory and CPU limit.

Run as a script (``python -I _workbook_child.py``), never imported by the app: it needs only
the standard library and python_calamine, so it starts in a fraction of a second. Stdin holds
an 8-byte length, a JSON request (``limit`` in bytes, ``mode`` "names" or "rows", ``sheets``)
and the file's bytes; a pickle goes to stdout:

- ``("ok", sheets, rows)``: ``sheets`` lists ``(name, visible, is_worksheet)``; ``rows``
  maps each requested sheet (mode "rows"; every worksheet when none is named, then only
  their first 30 rows if there are several) to its cells and merged ranges, or to
  ``("error", message)`` when that sheet cannot be read;
- ``("password",)``, ``("memory",)`` or ``("damaged", message)``.

Calamine allocates a sheet's whole rectangle, and Rust aborts the process when an
allocation fails; here that ends this child, never the server.
"""
import io
import json
import pickle
import sys

try:
    import resource
except ImportError:  # Windows: no limits; the server this app is deployed on is Linux
    resource = None

_READ_ERRORS = (ValueError, OverflowError, UnicodeError, OSError)
_HEAD_ROWS = 30  # rows in which a header is looked for
_NEAR_LIMIT = 0.5  # a read that fails after using half its limit is reported as a memory problem
_LIMIT = [0]


def _peak_bytes() -> int:
    """This process's own peak resident memory (Linux: VmHWM; ru_maxrss would include the parent's
    before exec); 0 where neither can be read."""
    try:
        with open("/proc/self/status") as status:
            return 1024 * int(status.read().split("VmHWM:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss if resource else 0  # macOS: bytes


def _limit(limit: int) -> None:
    """Memory (address space), CPU time and no core file; each where the system allows it."""
    _LIMIT[0] = limit
    if resource is None:
        return
    for kind, value in ((resource.RLIMIT_AS, (limit, limit)), (resource.RLIMIT_CPU, (60, 61)),
                        (resource.RLIMIT_CORE, (0, 0))):  # an abort leaves no core file of patient data
        try:
            resource.setrlimit(kind, value)
        except (ValueError, OSError):  # macOS refuses RLIMIT_AS
            pass


def _sheet_rows(book, name: str, calamine, head: int | None = None):
    """``{"cells": rows from A1, "merged": [((first row, first column), (last row, last column)), ...],
    "head_only": bool}`` (0-based; only the first ``head`` rows when given), or ``("error", message)``."""
    try:
        sheet = book.get_sheet_by_name(name)
        cells = sheet.to_python(skip_empty_area=False, nrows=head)
    except (calamine.CalamineError, *_READ_ERRORS) as exc:
        return ("error", f"{type(exc).__name__}: {exc}")
    try:
        merged = sheet.merged_cell_ranges or []
    except (calamine.CalamineError, *_READ_ERRORS):  # a format that does not keep them
        merged = []
    return {"cells": cells, "merged": [tuple(map(tuple, r)) for r in merged], "head_only": head is not None}


def parse(data: bytes, mode: str, wanted: list[str]):
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [(m.name, m.visible == calamine.SheetVisibleEnum.Visible,
                   m.typ == calamine.SheetTypeEnum.WorkSheet) for m in book.sheets_metadata]
        rows = {}
        if mode == "rows":
            names = wanted or [name for name, _, worksheet in sheets if worksheet]
            head = _HEAD_ROWS if not wanted and len(names) > 1 else None  # to choose among sheets, then read one
            for name in names:
                rows[name] = _sheet_rows(book, name, calamine, head)
        return ("ok", sheets, rows)
    except calamine.PasswordError:
        return ("password",)
    except MemoryError:
        return ("memory",)
    except (calamine.CalamineError, *_READ_ERRORS) as exc:
        # calamine reports some failed allocations as an unreadable file: near the limit, say so
        if _peak_bytes() > _NEAR_LIMIT * _LIMIT[0]:
            return ("memory",)
        return ("damaged", f"{type(exc).__name__}: {exc}")


def main() -> None:
    stdin = sys.stdin.buffer
    request = json.loads(stdin.read(int.from_bytes(stdin.read(8), "big")))
    _limit(int(request["limit"]))
    data = stdin.read()
    try:
        result = parse(data, request["mode"], list(request["sheets"]))
        del data
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.fast = True  # no memo: cells are never shared, and the reader then keeps no table of them
        pickler.dump(result)
        out = buffer.getvalue()
    except MemoryError:
        out = pickle.dumps(("memory",))
    sys.stdout.buffer.write(out)
    print(f"peak {_peak_bytes()}", file=sys.stderr)  # for the tests


if __name__ == "__main__":
    main()
