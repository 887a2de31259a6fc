import csv
import io

from openpyxl import load_workbook

from feedback.exports import export_responses_csv, response_rows, write_xlsx
from feedback.models import SurveyResponse
from tests import factories


def test_the_csv_starts_with_a_bom_and_round_trips_chinese(db):
    factories.SurveyResponseFactory(overall=2, problem_solved=False, comment='转账太慢了，=HYPERLINK("x")')
    factories.SurveyResponseFactory(overall=5, comment='Line one\nline "two"')
    out = io.StringIO()

    count = export_responses_csv(response_rows(SurveyResponse.objects.all()), out)

    text = out.getvalue()
    assert count == 2
    assert text.startswith("\ufeffResponse,Ticket,Sent,Submitted,Agent,Team,Category,Channel,Language,Overall,")
    encoded = text.encode("utf-8")
    rows = list(csv.reader(io.StringIO(encoded.decode("utf-8-sig"))))
    assert rows[0][-1] == "Comment"
    assert rows[1][9] == "2" and rows[1][13] == "no"
    assert rows[1][-1] == '转账太慢了，=HYPERLINK("x")'  # not escaped: does not start with "="
    assert rows[2][-1] == 'Line one\nline "two"'
    assert rows[1][1].startswith("SD-")


def test_a_comment_starting_with_a_formula_is_neutralised_in_csv(db):
    factories.SurveyResponseFactory(comment="=1+1")
    out = io.StringIO()

    export_responses_csv(response_rows(SurveyResponse.objects.all()), out)

    assert list(csv.reader(io.StringIO(out.getvalue())))[1][-1] == "'=1+1"


def test_the_xlsx_is_readable_and_keeps_chinese_and_numbers(db):
    factories.SurveyResponseFactory(overall=4, comment="非常好")
    factories.SurveyResponseFactory(overall=1, comment="@危险")
    out = io.BytesIO()

    write_xlsx([("Responses", ["Overall", "Comment"], [[4, "非常好"], [1, "@危险"]])], out)

    sheet = load_workbook(io.BytesIO(out.getvalue()), read_only=True)["Responses"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Overall", "Comment"], [4, "非常好"], [1, "'@危险"],
    ]  # fmt: skip
