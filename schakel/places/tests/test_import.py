import gzip
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from schakel.audit.models import AuditEvent
from schakel.places import demo
from schakel.places.importer import HEADER, ImportFailed, import_addresses
from schakel.places.models import Address, Municipality, Street


def row(n, **over):
    base = {
        "EPSG:31370_x": "",
        "EPSG:31370_y": "",
        "EPSG:4326_lat": f"{51.02 + (n % 1000) * 0.0001:.7f}",
        "EPSG:4326_lon": "4.4800000",
        "address_id": f"https://example.test/adres/{n}",
        "box_number": "",
        "house_number": str(n),
        "municipality_id": "https://data.vlaanderen.be/id/gemeente/12025",
        "municipality_name_de": "Mecheln",
        "municipality_name_fr": "Malines",
        "municipality_name_nl": "Mechelen",
        "postcode": "2800",
        "postname_fr": "Malines",
        "postname_nl": "Mechelen",
        "street_id": f"https://example.test/straat/{n % 3}",
        "streetname_de": "",
        "streetname_fr": "",
        "streetname_nl": f"Straat {n % 3}",
        "region_code": "BE-VLG",
        "status": "current",
    }
    base.update(over)
    return base


def csv_text(rows, header=HEADER):
    buf = io.StringIO()
    demo.write_csv(rows, buf) if header is HEADER else None
    if header is not HEADER:
        buf.write(",".join(header) + "\n")
    return buf.getvalue()


def write(tmp_path, rows, name="best.csv"):
    path = tmp_path / name
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_plain_then_reimport_changes_only_what_changed(tmp_path):
    path = write(tmp_path, [row(n) for n in range(1, 11)])
    r1 = import_addresses(path)
    assert (r1.read, r1.created, r1.updated, r1.unchanged) == (10, 10, 0, 0)
    assert Street.objects.count() == 3 and Municipality.objects.get().nis_code == "12025"
    a = Address.objects.get(address_id="https://example.test/adres/4")
    assert a.street.name_nl == "Straat 1" and a.postcode == "2800"
    assert 600_000 < a.x < 700_000 and a.cell
    r2 = import_addresses(path)
    assert (r2.created, r2.updated, r2.unchanged) == (0, 0, 10)
    rows = [row(n) for n in range(1, 11)]
    rows[3]["box_number"] = "2"
    r3 = import_addresses(write(tmp_path, rows, "v2.csv"))
    assert (r3.created, r3.updated, r3.unchanged) == (0, 1, 9)
    assert Address.objects.get(address_id="https://example.test/adres/4").box_number == "2"


@pytest.mark.django_db
def test_skips_non_current_and_other_municipality_and_rejects_with_line_numbers(tmp_path):
    rows = [
        row(1),
        row(2, status="retired"),
        row(3, municipality_id="11002"),
        row(4, **{"EPSG:4326_lat": "48.85", "EPSG:4326_lon": "2.35"}),  # Paris
        row(5, house_number=""),
        row(6, **{"EPSG:4326_lat": "", "EPSG:4326_lon": "", "EPSG:31370_x": "157000", "EPSG:31370_y": "190000"}),
        row(7, **{"EPSG:4326_lat": "abc"}),
    ]
    result = import_addresses(write(tmp_path, rows), municipality="12025")
    assert result.skipped_status == 1 and result.skipped_municipality == 1
    assert [line for line, _ in result.rejected] == [5, 6, 8]
    assert "buiten België" in result.rejected[0][1]
    # row 6 had only Lambert 72 coordinates: converted
    a6 = Address.objects.get(house_number="6")
    assert 51.0 < a6.lat < 51.1 and 4.4 < a6.lon < 4.5
    assert Address.objects.count() == 2


@pytest.mark.django_db
def test_gz_and_zip(tmp_path):
    text = csv_text([row(n) for n in range(1, 6)]).encode()
    gz = tmp_path / "best.csv.gz"
    gz.write_bytes(gzip.compress(text))
    assert import_addresses(gz).created == 5
    zpath = tmp_path / "best.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("openaddress-bevlg.csv", csv_text([row(n) for n in range(1, 8)]))
    r = import_addresses(zpath)
    assert (r.created, r.unchanged) == (2, 5)


@pytest.mark.django_db
def test_wrong_header_saves_nothing(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("street,number,lat,lon\nA,1,51,4\n")
    with pytest.raises(ImportFailed, match="kolomkoppen"):
        import_addresses(path)
    assert Address.objects.count() == 0 and Municipality.objects.count() == 0


@pytest.mark.django_db
def test_broken_encoding_saves_nothing(tmp_path):
    good = csv_text([row(n) for n in range(1, 8000)]).encode()
    bad = csv_text([row(9000, streetname_nl="Straat")]).split("\n", 1)[1].encode().replace(b"Straat", b"Stra\xff\xfeat")
    path = tmp_path / "bad.csv"
    path.write_bytes(good + bad)
    with pytest.raises(ImportFailed, match="UTF-8"):
        import_addresses(path, batch_size=1000)
    assert Address.objects.count() == 0 and Street.objects.count() == 0


@pytest.mark.django_db
def test_truncated_zip_and_gz_save_nothing(tmp_path):
    text = csv_text([row(n) for n in range(1, 3000)]).encode()
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("best.csv", text)
    zpath = tmp_path / "cut.zip"
    zpath.write_bytes(zbuf.getvalue()[: len(zbuf.getvalue()) // 2])
    with pytest.raises(ImportFailed, match="zip"):
        import_addresses(zpath)
    gpath = tmp_path / "cut.csv.gz"
    gpath.write_bytes(gzip.compress(text)[:-200])
    with pytest.raises(ImportFailed, match="onvolledig"):
        import_addresses(gpath, batch_size=500)
    assert Address.objects.count() == 0


@pytest.mark.django_db
def test_too_many_rejected_rows_aborts(tmp_path):
    rows = [row(n, **{"EPSG:4326_lat": "10"}) for n in range(1, 20)]
    with pytest.raises(ImportFailed, match="afgewezen"):
        import_addresses(write(tmp_path, rows), max_rejected=5)
    assert Address.objects.count() == 0


@pytest.mark.django_db
def test_interrupted_import_leaves_nothing_and_can_be_rerun(tmp_path):
    path = write(tmp_path, [row(n) for n in range(1, 40)])

    def interrupt(result, line):
        if result.read >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_addresses(path, batch_size=10, progress=interrupt)
    assert Address.objects.count() == 0
    assert import_addresses(path, batch_size=10).created == 39


@pytest.mark.django_db
def test_command_reports_and_audits(tmp_path, capsys):
    path = write(tmp_path, [row(1), row(2, **{"EPSG:4326_lat": "60"})])
    out = io.StringIO()
    call_command("import_addresses", str(path), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "regel 3: afgewezen" in text and "1 nieuw" in text
    assert AuditEvent.objects.filter(action="places.addresses_imported").count() == 1
    with pytest.raises(CommandError, match="niet gevonden"):
        call_command("import_addresses", str(tmp_path / "missing.csv"), stdout=out, stderr=io.StringIO())


@pytest.mark.django_db
def test_demo_file_is_fictitious_and_has_the_incident_streets(tmp_path):
    from schakel.places.seeding import load_demo

    load_demo(lambda m: None)
    n = Address.objects.count()
    assert 1000 < n < 10000
    assert Address.objects.filter(is_demo=False).count() == 0
    assert not Address.objects.exclude(address_id__startswith=demo.DEMO_BASE).exists()
    names = set(Street.objects.values_list("name_nl", flat=True))
    assert set(demo.INCIDENT_STREETS) <= names
    load_demo(lambda m: None)  # idempotent
    assert Address.objects.count() == n


@pytest.mark.django_db
def test_unchanged_rows_are_not_touched_on_postgresql(tmp_path):
    """A re-import leaves unchanged rows alone: no update and, on PostgreSQL,
    not even the row lock of ``ON CONFLICT DO UPDATE`` (which would write
    every heap page of a national register once a month)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks (xmax) are a PostgreSQL matter")
    rows = [row(n) for n in range(1, 21)]
    import_addresses(write(tmp_path, rows))
    rows[5]["box_number"] = "b"
    result = import_addresses(write(tmp_path, rows, "v2.csv"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 19)
    with connection.cursor() as cur:
        cur.execute("SELECT address_id, xmax::text FROM places_address")
        locked = sorted(aid for aid, xmax in cur.fetchall() if xmax != "0")
    assert locked == ["https://example.test/adres/6"]
