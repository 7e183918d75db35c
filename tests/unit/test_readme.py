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
    script in bench/ (a module with a main) is shown."""
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
    scripts = {p.name for p in (ROOT / "bench").glob("*.py") if "__main__" in p.read_text(encoding="utf-8")}
    assert scripts and shown == scripts  # helper modules (bench/results.py) are not benches


def test_the_bench_table_and_the_cost_section_are_those_of_the_latest_bench_runs():
    """README's performance table and "What it costs" are rendered from bench/results/ (each
    bench keeps its last run there): a bench run or an estimate changed without rewriting the
    README fails here."""
    result = subprocess.run([sys.executable, "scripts/readme_benches.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_cost_section_counts_what_bench_aws_calls_counted():
    """The generated section is computed from the kept counts, not written by hand: other
    counts give other figures."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import readme_benches
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    quantities = readme_benches.load("aws_calls")["quantities"]
    section = readme_benches.costs_section()
    assert f"{quantities['dynamodb_calls']} DynamoDB calls" in section
    assert f"**{quantities['rru']:g} read and {quantities['wru']:g} write request units**" in section
    doubled = {**quantities, "wru": quantities["wru"] * 2}
    _, _, total = readme_benches.cost_rows(quantities)
    _, _, more = readme_benches.cost_rows(doubled)
    wru_price = readme_benches.PRICE["wru"]
    assert round(more[100_000] - total[100_000], 6) == round(quantities["wru"] * 100_000 * wru_price, 6)
