#!/usr/bin/env python3
"""A real reader and writer of XLSX for the spreadsheet tests (openpyxl from PyPI).

  openpyxl_check.py read FILE          prints the first sheet as JSON: each cell's type,
                                       value and number format; frozen pane; widths; lists
  openpyxl_check.py write FILE 1904|1900
                                       writes a workbook with real date cells in that date
                                       system, numbers, and dates typed as text
"""
import datetime
import json
import sys

import openpyxl


def read(path):
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    cells = []
    for row in sheet.iter_rows():
        out = []
        for cell in row:
            value = cell.value
            if isinstance(value, datetime.datetime):
                kind, value = "date", value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(timespec="minutes")
            elif isinstance(value, datetime.date):
                kind, value = "date", value.isoformat()
            elif isinstance(value, bool):
                kind = "bool"
            elif isinstance(value, (int, float)):
                kind = "number"
            elif value is None:
                kind = "empty"
            else:
                kind = "text"
            out.append({"type": kind, "value": value, "format": cell.number_format, "bold": bool(cell.font and cell.font.b)})
        cells.append(out)
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items() if dim.width}
    lists = [{"sqref": str(v.sqref), "formula": v.formula1} for v in sheet.data_validations.dataValidation if v.type == "list"]
    column_formats = {key: dim.number_format for key, dim in sheet.column_dimensions.items()}
    others = [{"name": ws.title, "state": ws.sheet_state, "columns": [[c.value for c in col] for col in ws.iter_cols()]} for ws in book.worksheets[1:]]
    json.dump({"cells": cells, "freeze": sheet.freeze_panes, "widths": widths, "lists": lists, "columnFormats": column_formats, "others": others,
               "epoch1904": book.epoch == openpyxl.utils.datetime.CALENDAR_MAC_1904}, sys.stdout, ensure_ascii=False)


def write(path, system):
    book = openpyxl.Workbook()
    if system == "1904":
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    sheet.append(["会议名称", "召开日期", "出席人数"])
    sheet.append(["第一季度村民代表会议", datetime.date(2026, 3, 20), 31])
    sheet.append(["第二季度村民代表会议", datetime.datetime(2026, 6, 18, 0, 0), 29])
    sheet.append(["第三季度村民代表会议", "2026年9月16日", 30])
    sheet.append(["第四季度村民代表会议", datetime.date(1904, 1, 2), 28])
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            if not isinstance(cell.value, str):
                cell.number_format = "yyyy/m/d"
    book.save(path)


if __name__ == "__main__":
    if sys.argv[1] == "read":
        read(sys.argv[2])
    else:
        write(sys.argv[2], sys.argv[3])
