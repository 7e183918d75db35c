"""The operator's commands end to end: backup, key export, verify, restore (and a tampered
backup refused), key rotation with its status and re-wrap, the database upgrade."""

from __future__ import annotations

import json

from click.testing import CliRunner

from portal.cli import main
from portal.config import Settings
from portal.services.deps import build_deps
from tests.services.helpers import file

PASSPHRASE = "correct horse battery staple"


def run(*args, data_dir, input=None):
    return CliRunner().invoke(main, [*args, "--data-dir", str(data_dir)], input=input, catch_exceptions=False)


def filed(data_dir, n=2):
    deps = build_deps(Settings.from_env({}, data_dir=str(data_dir), demo="1"))
    receipts = [file(deps, phone="13800138000", verify=True)[1] for _ in range(n)]
    deps.close()
    return receipts


def test_backup_export_verify_and_restore_from_the_command_line(tmp_path):
    live, elsewhere = tmp_path / "live", tmp_path / "restored"
    receipts = filed(live)
    made = run("backup", str(tmp_path / "b1"), data_dir=live)
    assert made.exit_code == 0 and "2 complaint(s)" in made.stdout
    exported = run("backup", "--keys", str(tmp_path / "keys.json"), data_dir=live, input=PASSPHRASE + "\n")
    assert exported.exit_code == 0 and "Keep it apart" in exported.stdout
    short = run("backup", "--keys", str(tmp_path / "k2.json"), data_dir=live, input="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    checked = run("backup", "--verify", str(tmp_path / "b1"), "--keys-file", str(tmp_path / "keys.json"),
                  data_dir=live, input=PASSPHRASE + "\n")
    assert checked.exit_code == 0 and "signature checked" in checked.stdout

    (tmp_path / "b1" / "manifest.json").write_text((tmp_path / "b1" / "manifest.json").read_text()
                                                   .replace('"complaints": 2', '"complaints": 3'))
    refused = run("restore", str(tmp_path / "b1"), "--keys", str(tmp_path / "keys.json"), data_dir=elsewhere,
                  input=PASSPHRASE + "\n")
    assert refused.exit_code == 1 and "signature does not match" in refused.output
    assert "Nothing was restored" in refused.output and not elsewhere.exists()

    run("backup", str(tmp_path / "b2"), data_dir=live)
    done = run("restore", str(tmp_path / "b2"), "--keys", str(tmp_path / "keys.json"), data_dir=elsewhere,
               input=PASSPHRASE + "\n")
    assert done.exit_code == 0 and "Restored 2 complaint(s)" in done.stdout
    deps = build_deps(Settings.from_env({}, data_dir=str(elsewhere)))
    assert all(deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", r)) for r in receipts)
    deps.close()


def test_key_rotation_from_the_command_line(tmp_path):
    data = tmp_path / "data"
    filed(data, 1)
    rotated = run("keys", "rotate", "--key", "both", data_dir=data)
    assert rotated.exit_code == 0 and "Master key rotated" in rotated.stdout and "Hash key rotated" in rotated.stdout
    again = run("keys", "rotate", data_dir=data)
    assert again.exit_code == 1 and "portal keys rewrap" in again.output
    before = json.loads(run("keys", "status", data_dir=data).stdout)
    assert len(before["envelopes_by_key"]) == 1 and before["master_key"]["retired"]
    assert before["envelopes_by_key"] != {before["master_key"]["current"]: 0}
    finished = run("keys", "rewrap", data_dir=data)
    assert finished.exit_code == 0 and "Re-wrap done" in finished.stdout
    after = json.loads(run("keys", "status", data_dir=data).stdout)
    assert list(after["envelopes_by_key"]) == [after["master_key"]["current"]]
    assert after["master_key"]["retired"] == [] and after["rotation"]["state"] == "done"
    assert after["hash_key"]["retired"] == before["hash_key"]["retired"]  # kept for old receipts


def test_db_upgrade_on_a_current_store_changes_nothing(tmp_path):
    data = tmp_path / "data"
    filed(data, 1)
    done = run("db", "upgrade", data_dir=data)
    assert done.exit_code == 0 and json.loads(done.stdout)["migrated"] == {}
