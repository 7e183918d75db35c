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


#: what each install puts in .venv (scripts/setup.sh): the words a bench's note must name
INSTALLS = {"demo install": "bash scripts/setup.sh", "test install": "bash scripts/setup.sh --test"}


def test_each_bench_command_in_the_readme_says_which_install_it_needs():
    """After the demo install, `bench/aws_calls.py` failed with `No module named 'boto3'`: every
    bench command the README shows sits under a note naming the install it needs, and every
    script in bench/ is shown."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("Benchmarks print figures", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    note, shown = "", set()
    for line in block.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            note = stripped
            continue
        if "bench/" not in stripped:
            continue
        script = stripped.split("bench/", 1)[1].split()[0]
        shown.add(script)
        assert any(name in note for name in INSTALLS) and any(cmd in note for cmd in INSTALLS.values()), (script, note)
    assert shown == {p.name for p in (ROOT / "bench").glob("*.py")}
