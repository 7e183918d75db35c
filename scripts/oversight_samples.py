"""Render the oversight documents of the sample half-year (tests/oversight_sample.py) and put the
first page of each, as LibreOffice prints it, in docs/images/ (needs the test install:
`bash scripts/setup.sh --test` brings LibreOffice and poppler-utils).

    .venv/bin/python scripts/oversight_samples.py [OUT_DIR]   # default docs/images

Writes notice-2026-Q4.docx, ranking-2026-H2.docx and ledger.xlsx to a temporary folder, converts
them to PDF with LibreOffice headless, and the first page of each to PNG with pdftoppm."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal.config import Settings  # noqa: E402
from portal.domain.oversight import Period  # noqa: E402
from portal.services import oversight  # noqa: E402
from portal.services.deps import build_deps  # noqa: E402
from portal.services.oversight import ledger  # noqa: E402
from portal.store.sqlite import SqliteStore  # noqa: E402
from tests import oversight_sample  # noqa: E402
from tests.fakes.clock import ManualClock  # noqa: E402


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = Settings.from_env({}, data_dir=str(work / "data"))
        clock = ManualClock()
        deps = build_deps(settings, clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch))
        oversight_sample.build(deps)
        now, same = deps.clock.now(), (lambda s: s)
        files = {
            "oversight-notice-2026-Q4": ("docx", oversight.notice_docx(deps, oversight_sample.SUPERVISOR,
                                                                      Period("quarter", 2026, 4), now, same)),
            "oversight-ranking-2026-H2": ("docx", oversight.notice_docx(deps, oversight_sample.SUPERVISOR,
                                                                       Period("half", 2026, 2), now, same)),
            "oversight-ledger": ("xlsx", ledger.export_xlsx(deps, oversight_sample.SUPERVISOR, now, same)),
        }
        deps.close()
        for name, (ext, body) in files.items():
            source = work / f"{name}.{ext}"
            source.write_bytes(body)
            subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{work}/profile",
                            "--convert-to", "pdf", "--outdir", str(work), str(source)], check=True,
                           capture_output=True)
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                            str(work / f"{name}.pdf"), str(out / name)], check=True)
            print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
