from datetime import date
from pathlib import Path
from conftest import Known
def test_render(known: Known) -> None:
    out = Path("/tmp/x"); out.mkdir(exist_ok=True)
    known.reports.write_report("2026-03", out / "report.xlsx", "5", report_date=date(2026, 4, 5))
    known.reports.write_disclosure(known.ids["c_flood"], out / "disclosure.xlsx", disclosure_date=date(2026, 4, 2))
    known.reports.write_disclosure("2026-03", out / "disclosure_month.xlsx", disclosure_date=date(2026, 4, 2))
