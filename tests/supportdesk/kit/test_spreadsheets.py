import csv

from supportdesk.kit.spreadsheets import EchoBuffer, escape_cell


def test_formula_like_text_is_escaped_and_numbers_are_not():
    assert [escape_cell(v) for v in ("=SUM(A1)", "+1", "-x", "@cmd", "\tx", "ok", -3, None)] == [
        "'=SUM(A1)", "'+1", "'-x", "'@cmd", "'\tx", "ok", -3, None,
    ]  # fmt: skip


def test_csv_cells_that_look_like_formulas_are_escaped():
    line = csv.writer(EchoBuffer()).writerow(
        [escape_cell(v) for v in ("=SUM(A1)", "+1", "-2", "@cmd", "plain", 3, None)]
    )
    assert line == "'=SUM(A1),'+1,'-2,'@cmd,plain,3,\r\n"
