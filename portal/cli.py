"""The ``portal`` command: thin, each command parses, calls one service and prints.

    portal serve [--demo] [--host H] [--port P] [--data-dir D]
    portal db init | upgrade
    portal apikey add NAME [--scope public|staff] [--county CODE]
    portal staff add --username U --department D --role R [--county C] [--name N] [--phone P]
    portal staff reset-totp U | unlock U | deactivate U | reactivate U | list
    portal sweep [--now ISO8601] [--dry-run]
    portal deadline --from ISO8601 --working-days N
    portal calendar import YEAR FILE
    portal calendar set DATE workday|holiday --note TEXT
    portal calendar list YEAR
    portal mail import FILE.eml|FOLDER|MAILDIR [--unit U]
    portal mail fetch
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import click

from portal.config import Settings


def _settings(data_dir: str | None = None, **overrides) -> Settings:
    if data_dir:
        overrides["data_dir"] = data_dir
    return Settings.from_env(**overrides)


def _deps(settings: Settings):
    from portal.services.deps import build_deps

    return build_deps(settings)


@click.group()
def main() -> None:
    """Public complaint portal for illegal construction and illegal land use."""


# --- serve ------------------------------------------------------------------------------
@main.command()
@click.option("--demo", is_flag=True, help="Demo county, demo banner, SMS outbox page, demo staff accounts.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--data-dir", default=None, help="Folder for the embedded default (PORTAL_DATA_DIR).")
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--sweep-every", default=60, show_default=True, type=click.IntRange(0, 3600),
              help="Run the sweeper in the background every N seconds (0: leave it to cron and `portal sweep`).")
def serve(demo: bool, host: str, port: int, data_dir: str | None, threads: int, sweep_every: int) -> None:
    """Serve the portal with waitress (a production WSGI server)."""
    import waitress

    from portal import create_app
    from portal.services.background import start_sweeper

    overrides = {"demo": "1"} if demo else {}
    if demo and "PORTAL_PUBLIC_URL" not in os.environ:
        overrides["public_url"] = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    settings = _settings(data_dir, **overrides)
    deps = _deps(settings)
    app = create_app(settings, deps)
    app.load_parts()  # every part now: many threads serve, and a long-running server has no cold start to spare
    if demo:
        from portal.services import demo as demo_service

        click.echo(demo_service.welcome(deps, settings))
    sweeping = start_sweeper(deps, sweep_every) if sweep_every else None
    # waitress's own "Serving on http://127.0.0.1:8000" goes through the log filter, which masks
    # every IP address (portal.web.logs), and read "http://[ip]:8000"; waitress's info lines are
    # held back there (QUIET) and the server's own address, not a client's, is printed here
    everywhere = host in ("0.0.0.0", "::")
    shown = "127.0.0.1" if everywhere else host
    url = f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"
    click.echo(f"Serving on {url}{' (all interfaces)' if everywhere else ''} "
               f"(data in {settings.data_path.resolve()}); Ctrl+C stops.")
    previous = _stop_on_sigterm()
    try:
        waitress.serve(app, host=host, port=port, threads=threads, **waitress_options(settings))
    finally:  # Ctrl+C or SIGTERM: the sweep under way ends before the store closes
        if sweeping is not None:
            sweeping.stop()
        deps.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        click.echo("Stopped: the requests under way were answered and the store is closed.")


def _stop_on_sigterm():
    """SIGTERM (systemd, ``docker stop``) ends the server as Ctrl+C does: waitress finishes
    the requests under way and returns. The handler it replaces, or None off the main thread
    (where no handler can be set)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def waitress_options(settings: Settings) -> dict:
    """Proxy headers are dropped, except ``X-Forwarded-For`` from the proxy named by
    ``PORTAL_TRUSTED_PROXY``: its last entry (the one the proxy appended) becomes the client
    address the rate limits count."""
    options = {"ident": "portal", "clear_untrusted_proxy_headers": True}
    if settings.trusted_proxy:
        options.update(trusted_proxy=settings.trusted_proxy, trusted_proxy_count=1,
                       trusted_proxy_headers={"x-forwarded-for"})
    return options


# --- db ---------------------------------------------------------------------------------
@main.group()
def db() -> None:
    """The store."""


@db.command("init")
@click.option("--data-dir", default=None)
def db_init(data_dir: str | None) -> None:
    """Create the schema (SQLite) or the table (DynamoDB, where the caller may create it)."""
    settings = _settings(data_dir)
    if settings.store == "dynamodb":
        from portal.store.dynamodb import DynamoStore

        DynamoStore.from_settings(settings).create_table()
        click.echo(f"DynamoDB table {settings.dynamodb_table} ready.")
    else:
        from portal.store.sqlite import SqliteStore

        SqliteStore(settings.sqlite_file).close()
        click.echo(f"SQLite database ready at {settings.sqlite_file}.")


# --- API keys ---------------------------------------------------------------------------
@main.group()
def apikey() -> None:
    """Open311 API keys."""


@apikey.command("add")
@click.argument("name")
@click.option("--scope", type=click.Choice(["public", "staff"]), default="public", show_default=True)
@click.option("--county", "county_code", default=None, help="Division code (default: the first county).")
@click.option("--data-dir", default=None)
def apikey_add(name: str, scope: str, county_code: str | None, data_dir: str | None) -> None:
    """Create an API key; it is printed once and stored only as a keyed hash."""
    from portal.domain.errors import DomainError
    from portal.services import apikeys

    deps = _deps(_settings(data_dir))
    try:
        key = apikeys.create(deps, name, scope, county_code or deps.counties.default.code, deps.clock.now())
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(key)
    click.echo(f"(scope {scope}; shown once, keep it safe)", err=True)


# --- the sweeper ------------------------------------------------------------------------
@main.command()
@click.option("--now", "at", default=None, help="Sweep as of this ISO 8601 instant (default: now).")
@click.option("--dry-run", is_flag=True, help="Report what is due without changing or sending anything.")
@click.option("--data-dir", default=None)
def sweep(at: str | None, dry_run: bool, data_dir: str | None) -> None:
    """Act on every clock, SMS and upload that is due (what the scheduled function runs)."""
    import json

    from portal.services import sweeper
    from portal.timeutil import parse_iso

    deps = _deps(_settings(data_dir))
    try:
        now = parse_iso(at) if at else deps.clock.now()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None
    report = sweeper.sweep(deps, now, dry_run=dry_run)
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    if report.errors:
        sys.exit(1)


# --- staff accounts ---------------------------------------------------------------------
@main.group()
def staff() -> None:
    """Staff accounts: password (Argon2id) plus TOTP."""


def _county_for(deps, code: str | None):
    county = deps.counties.get(code) if code else deps.counties.default
    if county is None:
        raise click.BadParameter(f"no county with division code {code}", param_hint="--county")
    return county


def _show_totp(provisioned) -> None:
    import segno

    click.echo(provisioned.otpauth_uri)
    segno.make(provisioned.otpauth_uri, error="m").terminal(compact=True)
    click.echo("Scan the code (or enter the URI) in an authenticator app; it is not shown again.", err=True)


@staff.command("add")
@click.option("--username", required=True)
@click.option("--department", "unit", required=True,
              help="Department or township code from the county file; a village's division code for village_grid.")
@click.option("--role", required=True, help="officer, head, township, supervisor, discipline, finance, custodian, admin, "
                                            "village_grid, township_patrol or professional_patrol.")
@click.option("--county", "county_code", default=None, help="Division code (default: the first county).")
@click.option("--name", "display_name", default=None, help="Display name (default: the username).")
@click.option("--phone", default=None,
              help="The person's own mobile number; only its keyed hash is kept (reward claims from it are held).")
@click.option("--data-dir", default=None)
def staff_add(username: str, unit: str, role: str, county_code: str | None, display_name: str | None,
              phone: str | None, data_dir: str | None) -> None:
    """Create an account. A password piped on stdin is used; otherwise one is generated and
    printed once. Prints the TOTP provisioning URI and its QR code. The role must fit the
    unit's kind (officer/head: a bureau; township: a township; supervisor, custodian, admin:
    the leading-group office; discipline; finance; village_grid: a village of the grid table;
    township_patrol: a township; professional_patrol: one of the 004 C19 units)."""
    from portal.domain.errors import DomainError
    from portal.services import staff_accounts

    password = None
    if not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n") or None  # nothing piped: generate one
    deps = _deps(_settings(data_dir))
    try:
        provisioned = staff_accounts.create(deps, county=_county_for(deps, county_code), username=username, unit=unit,
                                            role=role, display_name=display_name, password=password,
                                            now=deps.clock.now(), phone=phone)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Account {provisioned.account.username} ({role}, {unit}) created.")
    if provisioned.password:
        click.echo(f"Password (shown once): {provisioned.password}")
    _show_totp(provisioned)


@staff.command("reset-totp")
@click.argument("username")
@click.option("--data-dir", default=None)
def staff_reset_totp(username: str, data_dir: str | None) -> None:
    """Give USERNAME a new TOTP secret (a lost authenticator); the old one stops working and
    every session of the account ends. The password stays."""
    from portal.domain.errors import DomainError
    from portal.services import staff_accounts

    deps = _deps(_settings(data_dir))
    try:
        provisioned = staff_accounts.reset_totp(deps, username, deps.clock.now())
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    _show_totp(provisioned)


@staff.command("unlock")
@click.argument("username")
@click.option("--data-dir", default=None)
def staff_unlock(username: str, data_dir: str | None) -> None:
    """Clear USERNAME's failed logins and lock."""
    from portal.domain.errors import DomainError
    from portal.services import staff_accounts

    deps = _deps(_settings(data_dir))
    try:
        account = staff_accounts.unlock(deps, username, deps.clock.now())
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Account {account.username} unlocked.")


def _username_of(argument: str | None, option: str | None) -> str:
    if bool(argument) == bool(option):
        raise click.UsageError("give the username once: as an argument or with --username")
    return argument or option


def _account_change(change, username: str, data_dir: str | None, done: str) -> None:
    from portal.domain.errors import DomainError

    deps = _deps(_settings(data_dir))
    try:
        account = change(deps, username, deps.clock.now())
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(done.format(username=account.username))


@staff.command("deactivate")
@click.argument("username", required=False)
@click.option("--username", "username_option", default=None)
@click.option("--data-dir", default=None)
def staff_deactivate(username: str | None, username_option: str | None, data_dir: str | None) -> None:
    """Revoke USERNAME's access: no login, and every session of the account ends at once.
    Nothing is deleted; `portal staff reactivate` restores it."""
    from portal.services import staff_accounts

    _account_change(staff_accounts.deactivate, _username_of(username, username_option), data_dir,
                    "Account {username} deactivated; its sessions have ended.")


@staff.command("reactivate")
@click.argument("username", required=False)
@click.option("--username", "username_option", default=None)
@click.option("--data-dir", default=None)
def staff_reactivate(username: str | None, username_option: str | None, data_dir: str | None) -> None:
    """Restore a deactivated account (same password and TOTP secret: reset the TOTP as well if
    the account may have been compromised)."""
    from portal.services import staff_accounts

    _account_change(staff_accounts.reactivate, _username_of(username, username_option), data_dir,
                    "Account {username} reactivated.")


@staff.command("list")
@click.option("--county", "county_code", default=None)
@click.option("--data-dir", default=None)
def staff_list(county_code: str | None, data_dir: str | None) -> None:
    """The county's accounts: username, role, unit, state."""
    from portal.services import staff_accounts

    deps = _deps(_settings(data_dir))
    now = deps.clock.now()
    for a in staff_accounts.in_county(deps, _county_for(deps, county_code).code):
        state = ("inactive" if not a.active else "locked" if a.hard_locked
                 else "backing off" if a.login_blocked(now) else "ok")
        click.echo(f"{a.username}\t{a.role.value}\t{a.unit}\t{state}\tfailed={a.failed_logins}")


# --- deadlines and the calendar ---------------------------------------------------------
@main.command()
@click.option("--from", "start", required=True, help="ISO 8601 instant with an offset (Z accepted).")
@click.option("--working-days", "n", required=True, type=click.IntRange(1, 365))
@click.option("--data-dir", default=None)
def deadline(start: str, n: int, data_dir: str | None) -> None:
    """Print the end of a clock of N working days from an instant (23:59:59 Asia/Shanghai)."""
    from portal.timeutil import iso_local, parse_iso

    try:
        instant = parse_iso(start)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--from") from None
    deps = _deps(_settings(data_dir))
    due, provisional = deps.calendar().due_after_working_days(instant, n)
    click.echo(iso_local(due))
    if provisional:
        click.echo("provisional: the span reaches a year with no official holiday arrangement", err=True)


@main.group()
def calendar() -> None:
    """Working-day overrides (when the State Council publishes a year)."""


@calendar.command("import")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--data-dir", default=None)
def calendar_import(year: int, file, data_dir: str | None) -> None:
    """Enter the State Council's arrangement of YEAR whole (FILE: YAML with source, days_off and
    workdays); the year becomes official and open clocks are recomputed."""
    from portal.domain.arrangement import ArrangementError
    from portal.services import calendar_admin

    try:
        arrangement = calendar_admin.parse_arrangement(year, file.read(64 * 1024))
    except ArrangementError as exc:
        raise click.ClickException(f"{file.name}: {exc}") from None
    deps = _deps(_settings(data_dir))
    outcome = calendar_admin.import_year(deps, arrangement, "cli", deps.clock.now())
    click.echo(f"{year} is now official ({arrangement.source}): {len(arrangement.days_off)} days off, "
               f"{len(arrangement.workdays)} make-up working days; {len(outcome.replaced)} earlier entr"
               f"{'y' if len(outcome.replaced) == 1 else 'ies'} replaced; {outcome.moved} open clock(s) recomputed.")


@calendar.command("set")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("kind", type=click.Choice(["workday", "holiday"]))
@click.option("--note", required=True)
@click.option("--data-dir", default=None)
def calendar_set(day, kind: str, note: str, data_dir: str | None) -> None:
    """Mark DATE a working day or a holiday; open clocks are recomputed. One day does not make
    its year official: import the State Council's arrangement for that."""
    from portal.services import calendar_admin

    deps = _deps(_settings(data_dir))
    moved = calendar_admin.set_day(deps, day.date(), kind == "workday", note, "cli", deps.clock.now())
    click.echo(f"{day.date().isoformat()} is now a {kind}; {moved} open clock(s) recomputed.")


@calendar.command("list")
@click.argument("year", type=click.IntRange(1950, 2100))
@click.option("--data-dir", default=None)
def calendar_list(year: int, data_dir: str | None) -> None:
    """Whether YEAR's arrangement is official and its source, then its days off and make-up
    working days, each with its source."""
    from portal.services import calendar_admin

    deps = _deps(_settings(data_dir))
    for line in calendar_admin.describe_year(deps, year):
        click.echo(line)


# --- mail (email reports, 004 C20, L17) ------------------------------------------------------
@main.group()
def mail() -> None:
    """Email reports: import saved messages, read the units' mailboxes."""


@mail.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--unit", default=None, help="The unit whose inbox gets them (default: the unit whose address they were sent to).")
@click.option("--data-dir", default=None)
def mail_import_command(path, unit: str | None, data_dir: str | None) -> None:
    """Put a saved message (.eml), a folder of them or a Maildir into a unit's inbox, each once."""
    from portal.services.channels import mail_import

    deps = _deps(_settings(data_dir))
    try:
        report = mail_import.import_path(deps, path, unit, deps.clock.now())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--unit") from None
    click.echo(f"{report.stored} stored ({report.failed} could not be read, listed with the reason), "
               f"{report.duplicates} already in the inbox.")
    for name in report.unplaced:
        click.echo(f"not sent to any unit's address, not imported (use --unit): {name}", err=True)
    if report.unplaced:
        sys.exit(1)


@mail.command("fetch")
@click.option("--data-dir", default=None)
def mail_fetch(data_dir: str | None) -> None:
    """Read the units' mailboxes now (the sweeper does this on every run)."""
    from portal.services.channels import imap_poll

    deps = _deps(_settings(data_dir))
    report = imap_poll.poll_all(deps, deps.clock.now())
    click.echo(f"{report.mailboxes} mailbox(es): {report.stored} stored, {report.duplicates} already stored, "
               f"{report.too_large} too large (left in the mailbox), {report.errors} error(s).")
    if report.errors:
        sys.exit(1)


from portal import cli_operations  # noqa: E402,F401  (registers backup, restore, keys, doctor, db upgrade)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
