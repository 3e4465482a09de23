"""Exports: streamed CSV with a BOM (CJK intact), XLSX with typed cells, both with the view's
filters, sort and columns, through the access layer."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from beachhead.savedviews import export

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture
def rows(aoi, promise, make_user):
    kim = make_user("support_agent", ["KR"], username="kim")
    promise(aoi, hours=1, title="東京の返信", customer_label="ソニー株式会社")
    promise(aoi, hours=2, title='=HYPERLINK("http://evil")', customer_label="任天堂")
    promise(aoi, hours=3, title="Kept one", customer_label="ソニー株式会社", state="kept")
    promise(kim, "KR", hours=4, title="Seoul only", customer_label="삼성")


def read_csv(response) -> tuple[bytes, list[list[str]]]:
    raw = b"".join(response.streaming_content)
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[list]:
    """The first sheet as rows of values (shared strings resolved, numbers as floats)."""
    book = zipfile.ZipFile(io.BytesIO(content))
    strings = [
        "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
        for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", NS)  # noqa: S314
    ]
    sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))  # noqa: S314 (our own file)
    result = []
    for row in sheet.find("m:sheetData", NS).findall("m:row", NS):
        values = []
        for cell in row.findall("m:c", NS):
            value = cell.find("m:v", NS)
            text = value.text if value is not None else None
            kind = cell.get("t")
            if kind == "s":
                values.append(strings[int(text)])
            elif kind == "b":
                values.append(text == "1")
            elif text is not None:
                values.append(float(text))
            else:
                values.append(None)
        result.append(values)
    return result


def test_csv_has_a_bom_keeps_cjk_and_honours_the_view(client, reference, aoi, rows):
    client.force_login(aoi)

    before = timezone.localdate()
    response = client.get(
        "/lists/reference/export.csv",
        {"cols": "title,customer_label,state,fee", "f": "state:eq:open", "sort": "-due_at"},
    )
    after = timezone.localdate()  # the day the export ran, even if midnight passed meanwhile

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] in {
        f'attachment; filename="reference-{day.isoformat()}.csv"' for day in (before, after)
    }
    raw, table = read_csv(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert table[0] == ["Description", "Customer", "State", "Fee", "Fee currency"]
    # sorted by due time, newest first; the kept one and the KR one (not aoi's) are out
    assert [row[:3] + row[4:] for row in table[1:]] == [
        ['\'=HYPERLINK("http://evil")', "任天堂", "Open", "JPY"],  # never run as a formula
        ["東京の返信", "ソニー株式会社", "Open", "JPY"],
    ]
    assert [Decimal(row[3]) for row in table[1:]] == [7200, 3600]  # plain decimals


def test_csv_of_a_saved_view(client, reference, aoi, rows):
    from beachhead.savedviews.services import do_create_view

    view = do_create_view(
        source="reference",
        name="Sony",
        config={
            "columns": ["customer_label", "due_at"],
            "filters": [{"field": "customer_label", "op": "contains", "value": "ソニー"}],
        },
        owner=aoi,
    )
    client.force_login(aoi)
    _raw, table = read_csv(client.get("/lists/reference/export.csv", {"view": view.pk}))
    assert [r[0] for r in table] == ["Customer", "ソニー株式会社", "ソニー株式会社"]
    assert re.fullmatch(r"2027-03-03T02:00:00\+00:00", table[1][1])


def test_a_bad_export_query_goes_back_to_the_page_with_the_error(client, reference, aoi):
    client.force_login(aoi)
    response = client.get("/lists/reference/export.csv", {"f": "owner__password:eq:x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/lists/reference/")


def test_xlsx_has_a_header_typed_cells_and_money_as_numbers(client, reference, aoi, rows):
    client.force_login(aoi)

    response = client.get(
        "/lists/reference/export.xlsx",
        {"cols": "title,customer_label,target_seconds,fee,due_at", "sort": "due_at"},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == export.XLSX_MIME
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = read_xlsx(response.content)
    assert sheet[0] == ["Description", "Customer", "Target", "Fee", "Fee currency", "Due"]
    assert sheet[1][:5] == ["東京の返信", "ソニー株式会社", 3600.0, 3600.0, "JPY"]
    assert isinstance(sheet[1][5], float)  # a real date-time serial, not text
    assert sheet[2][0] == '=HYPERLINK("http://evil")'  # a string cell, not a formula
    assert len(sheet) == 4  # header + aoi's three rows (KR is out of scope)
    book = zipfile.ZipFile(io.BytesIO(response.content))
    xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # no formula anywhere
    assert "<cols>" in xml
    assert 'customWidth="1"' in xml
    assert "<pane" in xml  # frozen header


def test_xlsx_is_capped_with_a_clear_message(client, reference, aoi, rows, monkeypatch):
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 2)
    client.force_login(aoi)

    response = client.get("/lists/reference/export.xlsx", follow=True)

    html = response.content.decode()
    assert "3 rows" in html
    assert "at most 2" in html
    assert "CSV" in html


def test_exports_need_a_signed_in_user(client, reference):
    assert client.get("/lists/reference/export.csv").status_code == 302
    assert client.get("/lists/reference/export.xlsx").status_code == 302


def test_csv_streams_in_one_query(reference, aoi, rows, django_assert_num_queries):
    from beachhead.savedviews.state import defaults

    with django_assert_num_queries(1):
        lines = list(export.csv_lines(reference, defaults(reference), aoi))
    assert len(lines) == 4


def test_exports_read_relations_by_name_and_properties_too(client, reference, aoi, rows):
    client.force_login(aoi)
    params = {"cols": "title,owner,kind_label", "f": "state:eq:kept"}

    _raw, table = read_csv(client.get("/lists/reference/export.csv", params))
    assert table == [["Description", "Owner id", "Kind label"], ["Kept one", "aoi", "Follow-up"]]

    sheet = read_xlsx(client.get("/lists/reference/export.xlsx", params).content)
    assert sheet[1] == ["Kept one", "aoi", "Follow-up"]


def test_the_export_menu_carries_what_its_progress_bar_needs(client, reference, aoi, rows):
    """The page's script shows progress while an export is prepared: the links say how many
    rows the view has (CSV counts them as they stream), the workbook says its length."""
    client.force_login(aoi)
    html = client.get("/lists/reference/", {"f": "state:eq:open"}).content.decode()

    assert re.search(r'data-export="csv" data-rows="2"', html)
    assert re.search(r'data-export="xlsx" data-rows="2"', html)
    assert "data-export-progress" in html
    assert 'role="status"' in html
    response = client.get("/lists/reference/export.xlsx", {"f": "state:eq:open"})
    assert response["Content-Length"] == str(len(response.content))


def test_exports_are_never_stored_by_a_cache(client, reference, aoi, rows):
    client.force_login(aoi)

    for path in ("/lists/reference/export.csv", "/lists/reference/export.xlsx"):
        response = client.get(path, {"cols": "title"})

        assert response.status_code == 200, path
        assert response["Cache-Control"] == "no-store", path
        assert response["X-Content-Type-Options"] == "nosniff", path
