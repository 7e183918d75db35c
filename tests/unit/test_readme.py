"""The README stays true: its configuration table is generated from Settings, and its two
first commands are the scripts CI runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_configuration_table_matches_settings():
    result = subprocess.run([sys.executable, "scripts/readme_tables.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_first_two_commands_are_demo_and_tests_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line.split("#")[0].strip() for line in readme.split("```sh", 1)[1].split("```", 1)[0].splitlines()
                if line.strip()]
    assert commands == ["bash scripts/run-demo.sh", "bash scripts/run-tests.sh"]
    assert "scripts/run-tests.sh" in (ROOT / ".ci" / "run").read_text()
