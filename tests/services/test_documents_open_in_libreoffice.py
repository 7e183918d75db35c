"""The documents officials receive open in an office suite: LibreOffice headless (installed by
the test command, scripts/setup.sh --test) converts the quarterly notice, the half-year ranking
(.docx) and the annex ledger (.xlsx) to PDF without error, and the PDF holds their titles
(004 C21, L18; 003 Annex 2 and 3). python-docx is imported only when a document is asked for."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from portal.domain.oversight import Period
from portal.services import oversight
from portal.services.oversight import ledger
from tests import oversight_sample

pytestmark = pytest.mark.slow
SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"


def to_pdf(path, workdir) -> str:
    """Convert with LibreOffice headless (its own profile, so tests in parallel do not share one);
    return the PDF's text (pdftotext, poppler-utils)."""
    done = subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{workdir}/profile",
                           "--convert-to", "pdf", "--outdir", str(workdir), str(path)],
                          capture_output=True, text=True, timeout=180)
    pdf = workdir / (path.stem + ".pdf")
    assert done.returncode == 0 and pdf.exists(), done.stdout + done.stderr
    assert "Error" not in done.stderr, done.stderr
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))) >= 1
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_004_c21_003_libreoffice_converts_the_notices_and_the_ledger_to_pdf(deps, tmp_path):
    oversight_sample.build(deps)
    now, same = deps.clock.now(), (lambda s: s)
    quarter = tmp_path / "notice-2026-Q4.docx"
    quarter.write_bytes(oversight.notice_docx(deps, oversight_sample.SUPERVISOR, Period("quarter", 2026, 4), now, same))
    half = tmp_path / "ranking-2026-H2.docx"
    half.write_bytes(oversight.notice_docx(deps, oversight_sample.SUPERVISOR, Period("half", 2026, 2), now, same))
    book = tmp_path / "ledger.xlsx"
    book.write_bytes(ledger.export_xlsx(deps, oversight_sample.SUPERVISOR, now, same))
    out = tmp_path / "pdf"
    out.mkdir()
    text = to_pdf(quarter, out)
    assert "2026年第四季度通报" in text.replace(" ", "") and "点名通报和处理措施" in text.replace(" ", "")
    assert "下半年排名通报" in to_pdf(half, out).replace(" ", "")
    sheets = to_pdf(book, out).replace(" ", "")
    assert "炎陵县违法违规用地清单" in sheets and "炎陵县非法违法采矿清单" in sheets and "负责人：" in sheets


def test_the_app_starts_without_python_docx_and_a_notice_imports_it():
    """The Lambda package carries python-docx and openpyxl, but a cold start must not pay for
    them (nor for lxml, which openpyxl loads when it is installed)."""
    code = ("import sys; from portal.config import Settings; from portal import create_app; import tempfile;"
            "create_app(Settings.from_env({}, data_dir=tempfile.mkdtemp()));"
            "print(sorted(m for m in ('docx', 'lxml', 'openpyxl') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
