import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from schakel.plan.pdf import report_data

pytestmark = pytest.mark.django_db


def test_report_data_has_a_chart_per_sd(seeded_plan):
    data = report_data(seeded_plan)
    assert [sd["code"] for sd in data["sds"]] == ["SD1", "SD2", "SD3"]
    assert sum(len(sd["ods"]) for sd in data["sds"]) == 16
    for sd in data["sds"]:
        assert sd["charts"], f"no chart for {sd['code']}"
        assert any("<circle" in chart["svg"] for chart in sd["charts"]), f"no measured chart for {sd['code']}"
        for chart in sd["charts"]:
            assert chart["svg"].startswith("<svg")
            # Geometry is written with dots, not the Dutch decimal comma.
            for cx in re.findall(r'cx="([^"]+)"', chart["svg"]):
                float(cx)
    assert len(data["funding"]) == 3


def test_pdf_download(persona_client, seeded_plan):
    response = persona_client("kerngroep").get(reverse("plan:report_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 20_000


def test_bench_command(seeded_plan):
    out = io.StringIO()
    call_command("plan_bench_report", "--runs", "1", stdout=out)
    assert "core-group PDF" in out.getvalue()
