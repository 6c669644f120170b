"""Reading an import file: CSV (UTF-8, comma or semicolon) or Excel `.xlsx`, as a header and rows of cells.

Excel is read with openpyxl (read-only, values not formulas), which is a file-format library, not a web or
database framework, so it may sit beside the domain. A file that is neither, or is damaged, is refused
with `ImportFileUnreadable`, never a traceback: these files come from store managers' laptops.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from loyalty_core.errors import InvalidInput

MAX_ROWS = 1_000_000


class ImportFileUnreadable(InvalidInput):
    code = "import_file_unreadable"
    message_vi = "Không đọc được tệp nhập (cần CSV UTF-8 hoặc Excel .xlsx)."


def read_table(data: bytes, filename: str) -> tuple[list[Any], list[list[Any]]]:
    """The header row and the data rows of a CSV or .xlsx file."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(data)
    else:
        rows = _csv_rows(data)
    if not rows:
        raise ImportFileUnreadable("the file is empty")
    if len(rows) > MAX_ROWS + 1:
        raise ImportFileUnreadable(f"the file has more than {MAX_ROWS} rows; split it")
    return list(rows[0]), [list(row) for row in rows[1:]]


def read_path(path: str | Path) -> tuple[list[Any], list[list[Any]]]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFileUnreadable(f"cannot read {path}: {exc.strerror}") from None
    return read_table(data, str(path))


def _csv_rows(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileUnreadable("the CSV file is not UTF-8 (save it as “CSV UTF-8”)") from None
    if "\x00" in text:
        raise ImportFileUnreadable("the file is not a text CSV")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileUnreadable(f"the CSV file is malformed: {exc}") from None


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook  # only when an Excel file is given

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileUnreadable(f"the Excel file cannot be opened: {type(exc).__name__}") from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in _limited(sheet.iter_rows(values_only=True))]
    except ImportFileUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - any damage inside the workbook is the file's problem
        raise ImportFileUnreadable(f"the Excel file is damaged: {type(exc).__name__}") from None
    finally:
        book.close()


def _limited(rows: Iterator[Any]) -> Iterator[Any]:
    for count, row in enumerate(rows):
        if count > MAX_ROWS + 1:
            raise ImportFileUnreadable(f"the file has more than {MAX_ROWS} rows; split it")
        yield row


def write_table(path: str | Path, header: list[str], rows: Iterable[list[Any]]) -> int:
    """Write a CSV (UTF-8 with a byte-order mark, so Excel shows Vietnamese) or, for `.xlsx`, a workbook."""
    count = 0
    if str(path).lower().endswith(".xlsx"):
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(header)
        for row in rows:
            sheet.append(row)
            count += 1
        book.save(str(path))
        return count
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count
