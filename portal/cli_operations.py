"""The ``portal`` commands that operate an installation over the years (registered on the
group of ``portal.cli``; thin like every command):

    portal db upgrade
    portal keys rotate [--key master|hash|both] | rewrap | status
    portal backup DEST | --keys FILE | --verify DEST [--keys-file FILE]
    portal restore SOURCE [--keys FILE] [--replace]
    portal doctor
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from portal.cli import _deps, _settings, db, main


@db.command("upgrade")
@click.option("--data-dir", default=None)
def db_upgrade(data_dir: str | None) -> None:
    """Bring every stored record to the current format of its kind (records are also migrated
    one by one when read). Records written by a newer version are left alone and reported;
    the command then exits with status 1."""
    from portal.services.operations.upgrade import upgrade_all

    deps = _deps(_settings(data_dir))
    report = upgrade_all(deps.store)
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    if report.newer:
        click.echo("Records of a newer format than this version reads were left alone: run the newer version.",
                   err=True)
        sys.exit(1)


# --- keys -------------------------------------------------------------------------------
@main.group()
def keys() -> None:
    """Key rotation: the master key of every envelope, the hash key of receipts and phones."""


@keys.command("rotate")
@click.option("--key", "which", type=click.Choice(["master", "hash", "both"]), default="master", show_default=True,
              help="master: the key file (or KMS key material) wrapping every envelope; hash: the key of receipt "
                   "and phone hashes.")
@click.option("--data-dir", default=None)
def keys_rotate(which: str, data_dir: str | None) -> None:
    """Rotate keys. New envelopes and hashes use the new key at once; old envelopes stay
    readable until the sweeper's background re-wrap has moved them all (or `portal keys
    rewrap`), then the retired master key is destroyed. Old receipts keep working and are
    re-hashed when next used. Audited in every county's trail."""
    from portal.domain.errors import DomainError
    from portal.services.keys import rotation

    deps = _deps(_settings(data_dir))
    try:
        done = rotation.rotate(deps, which, "cli", deps.clock.now())
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    if done.master:
        click.echo(f"Master key rotated: {done.master[0]} retired, new envelopes under {deps.keyring.current_key()}.")
    if done.hash:
        click.echo(f"Hash key rotated: {done.hash[0]} retired (kept to recognise old receipts), new {done.hash[1]}.")
    click.echo(f"The re-wrap starts at {done.rotation.not_before.isoformat()} with the sweeper; "
               "`portal keys rewrap` runs it now.")
    if deps.settings.secrets == "ssm" and done.hash:
        click.echo("Update the function (zappa update) so that every container reads the new hash key.", err=True)


@keys.command("rewrap")
@click.option("--data-dir", default=None)
def keys_rewrap(data_dir: str | None) -> None:
    """Finish the re-wrap of the last rotation now (what the sweeper does a slice at a time)."""
    from portal.services.keys import rewrap

    deps = _deps(_settings(data_dir))
    rotation = rewrap.run_to_end(deps, deps.clock.now())
    if rotation is None:
        click.echo("No rotation to finish.")
        return
    click.echo(f"Re-wrap {rotation.state} after {rotation.passes} pass(es): {rotation.total_rewrapped} envelope(s) "
               f"re-wrapped, {rotation.total_rehashed} phone hash(es) re-made; destroyed: "
               f"{', '.join(rotation.destroyed) or 'none'}.")


@keys.command("status")
@click.option("--data-dir", default=None)
def keys_status(data_dir: str | None) -> None:
    """Current and retired keys, the re-wrap's progress, envelopes and receipts per key."""
    from portal.services.keys import status

    click.echo(json.dumps(status.describe(_deps(_settings(data_dir))), ensure_ascii=False, indent=2, default=str))


# --- backups ----------------------------------------------------------------------------
def _passphrase(confirm: bool) -> str:
    """From stdin when piped (first line), else asked twice without echo."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm)


@main.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--keys", "keys_only", is_flag=True,
              help="Export the keys (only) into the file DEST, encrypted under a passphrase. Keep it apart from "
                   "the data backups.")
@click.option("--verify", "verify_only", is_flag=True, help="Check the backup in DEST read-only.")
@click.option("--keys-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="With --verify: the key export, to check the manifest's signature too.")
@click.option("--data-dir", default=None)
def backup_command(dest: Path, keys_only: bool, verify_only: bool, keys_file: Path | None,
                   data_dir: str | None) -> None:
    """Back up the embedded default while it serves: a consistent copy of the database
    (SQLite's online backup API), the evidence files it refers to and a manifest with their
    checksums, into the new folder DEST. The keys are never in it: `portal backup --keys
    FILE` exports them separately, protected by a passphrase."""
    from portal.services.operations import backup

    settings = _settings(data_dir)
    try:
        if verify_only:
            hash_keys = backup.hash_keys_of(backup.open_keys(keys_file, _passphrase(False))) if keys_file else None
            checked = backup.verify(dest, hash_keys)
            counts = checked.manifest["counts"]
            click.echo(f"Backup {dest} is sound: {counts['complaints']} complaint(s), {counts['blobs']} evidence "
                       f"file(s), made {checked.manifest['created_at']}; signature "
                       f"{'checked' if checked.authenticated else 'not checked (give --keys-file)'}.")
            return
        deps = _deps(settings)
        if keys_only:
            names = backup.export_keys(settings, dest, _passphrase(True), deps.clock.now())
            click.echo(f"{len(names)} key file(s) exported to {dest}. Keep it apart from the data backups, and the "
                       "passphrase apart from both.")
            return
        report = backup.backup(settings, dest, deps.secrets.hash_key, deps.keyring.current_key(), deps.clock.now())
    except backup.BackupInvalid as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {report.folder}: {report.complaints} complaint(s), {report.items} record(s), "
               f"{report.blobs} evidence file(s), {report.bytes} bytes.")
    if report.missing_blobs:
        click.echo(f"{len(report.missing_blobs)} evidence file(s) the records name were already missing: "
                   f"{', '.join(report.missing_blobs[:5])}", err=True)
        sys.exit(1)


@main.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--keys", "keys_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The key export made with `portal backup --keys` (its passphrase is asked).")
@click.option("--replace", is_flag=True, help="Move a data dir that is not empty aside (never deleted) first.")
@click.option("--data-dir", default=None)
def restore_command(source: Path, keys_file: Path | None, replace: bool, data_dir: str | None) -> None:
    """Restore the backup SOURCE into the data dir. Every checksum (and, with --keys, the
    manifest's signature) is checked before anything is replaced; a backup that fails is
    refused and nothing changes. Stop the portal first."""
    from datetime import datetime, timezone

    from portal.services.operations import restore
    from portal.services.operations.backup import BackupInvalid

    settings = _settings(data_dir)
    try:
        done = restore.restore(settings, source, datetime.now(timezone.utc), keys_file,
                               _passphrase(False) if keys_file else None, replace)
    except BackupInvalid as exc:
        raise click.ClickException(f"{exc}. Nothing was restored.") from None
    click.echo(f"Restored {done.complaints} complaint(s) and {done.blobs} evidence file(s) into {done.data_dir}"
               f"{' with ' + str(len(done.keys)) + ' key file(s)' if done.keys else ''}.")
    if done.moved_aside:
        click.echo(f"The data dir that was there is kept at {done.moved_aside}.")


# --- health -----------------------------------------------------------------------------
@main.command("doctor")
@click.option("--data-dir", default=None)
def doctor_command(data_dir: str | None) -> None:
    """Check the installation: the data dir's permissions, the key files' modes, the county
    files, the calendar's coverage of this year and the next, free disk space, the SMS
    outbox backlog, an unfinished key rotation. Prints what to fix; exits 1 on a failure."""
    from datetime import datetime, timezone

    from portal.services.operations import doctor

    findings = doctor.examine(_settings(data_dir), datetime.now(timezone.utc))
    for finding in findings:
        click.echo(f"{finding.level.upper():<5} {finding.check}: {finding.detail}")
        if finding.fix:
            click.echo(f"      fix: {finding.fix}")
    failures = sum(f.level == doctor.FAIL for f in findings)
    warnings = sum(f.level == doctor.WARN for f in findings)
    click.echo(f"{failures} failure(s), {warnings} warning(s).")
    if failures:
        sys.exit(1)
