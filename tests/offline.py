"""Run a console command with the network refused: every DNS lookup and every connection to
anything but this machine fails at once, and each refused host is reported on stderr as
``offline: refused <host>`` when the command ends. Used to show that `zappa package` and
`zappa save-python-settings-file` need no network (and so no AWS account).

    python -m tests.offline zappa package prod --output dist/x.zip

The command is looked up among the console scripts of the interpreter's environment (its
``console_scripts`` entry point) and run in this process, after the guard is in place.
"""

from __future__ import annotations

import atexit
import errno
import socket
import sys
from importlib.metadata import entry_points

LOOPBACK = {"localhost", "127.0.0.1", "::1"}

refused: list[str] = []
_getaddrinfo = socket.getaddrinfo
_connect = socket.socket.connect


def _host(address) -> str | None:
    return str(address[0]) if isinstance(address, tuple) and address else None


def _guarded_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is None or name in LOOPBACK:
        return _getaddrinfo(host, *args, **kwargs)
    refused.append(str(name))
    raise socket.gaierror(socket.EAI_NONAME, f"offline: no lookup of {name}")


def _guarded_connect(self, address):
    host = _host(address)
    if self.family in (socket.AF_INET, socket.AF_INET6) and host not in LOOPBACK:
        refused.append(str(host))
        raise OSError(errno.ENETUNREACH, f"offline: no connection to {host}")
    return _connect(self, address)


def install() -> None:
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.socket.connect = _guarded_connect
    atexit.register(_report)


def _report() -> None:
    for host in dict.fromkeys(refused):
        print(f"offline: refused {host}", file=sys.stderr)


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python -m tests.offline COMMAND [ARGS...]")
    (script,) = entry_points(group="console_scripts", name=argv[0])
    install()
    sys.argv = argv
    sys.exit(script.load()())


if __name__ == "__main__":
    main(sys.argv[1:])
