"""The ``portal`` commands that operate an installation over the years (registered on the
group of ``portal.cli``; thin like every command):

    portal db upgrade
"""

from __future__ import annotations

import json
import sys

import click

from portal.cli import _deps, _settings, db


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
