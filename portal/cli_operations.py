"""The ``portal`` commands that operate an installation over the years (registered on the
group of ``portal.cli``; thin like every command):

    portal db upgrade
    portal keys rotate [--key master|hash|both] | rewrap | status
"""

from __future__ import annotations

import json
import sys

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
