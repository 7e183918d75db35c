"""Rate limits that track no one: counters keyed by an HMAC of the client address with a
salt that rotates daily and is kept in the store, so every process (and every Lambda
container) shares them, and yesterday's counters cannot be linked to today's. No IP address
is ever stored or logged."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.domain.errors import RateLimited
from portal.i18n import N_
from portal.services.deps import Deps
from portal.timeutil import local, local_date


@dataclass(frozen=True)
class Limit:
    count: int
    window: str  # hour | day


LIMITS = {
    # per client address: generous, since mobile carriers put many phones behind one address (CGNAT)
    "file": Limit(60, "day"),  # complaints filed per client
    "upload": Limit(60, "day"),  # photos staged per client
    "receipt_miss": Limit(10, "hour"),  # wrong receipts tried per client (guessing)
    "receipt_miss_all": Limit(2000, "hour"),  # wrong receipts tried by everyone (distributed guessing)
    # once receipt_miss_all is reached: the stricter per-client budget on the receipt_miss counter
    "receipt_miss_strict": Limit(3, "hour"),
    "reply": Limit(30, "day"),
    "verify_send": Limit(3, "day"),  # verification codes sent to one phone (keyed by phone hash)
    "verify_client": Limit(10, "day"),  # verification codes requested per client
    "verify_miss": Limit(10, "day"),  # wrong verification codes tried per client
    "reward_code_send": Limit(3, "day"),  # reward claim codes sent to one phone (keyed by phone hash)
    "reward_code_client": Limit(10, "day"),  # reward claim codes requested per client
    "reward_code_miss": Limit(10, "day"),  # wrong reward claim codes tried per client
    "api": Limit(600, "hour"),  # JSON/Open311 calls per client
    # map tiles a client makes the portal fetch from the upstream (cache misses only): one client
    # cannot walk the county's box and spend the county's key quota; past it, the map still draws
    "tile_fetch": Limit(1000, "hour"),
    # failed staff logins per client, whatever the cause (wrong password, unknown user, wrong
    # code): guessing passwords is limited here, not by locking the account someone names
    "staff_login_miss": Limit(30, "hour"),
}


def _window(now: datetime, window: str) -> tuple[str, datetime]:
    value = local(now)
    if window == "hour":
        start = value.replace(minute=0, second=0, microsecond=0)
        return start.strftime("%Y%m%d%H"), start + timedelta(hours=2)
    start = value.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.strftime("%Y%m%d"), start + timedelta(days=2)


#: IPv6 clients are counted per network of this prefix length: a home or a phone gets a whole
#: /64 (Chinese carriers hand out /64 or shorter), so counting single addresses would give one
#: subscriber 2^64 clients
IPV6_PREFIX = 64


def client_unit(address: str | None) -> str:
    """What one client is, for counting: an IPv4 address, or the /64 of an IPv6 address (an
    IPv4-mapped IPv6 address counts as its IPv4 address)."""
    text = (address or "").strip()
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text or "-"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip.exploded, IPV6_PREFIX), strict=False))
    return str(ip)


def client_key(deps: Deps, address: str | None, now: datetime) -> str:
    day = local_date(now).isoformat()
    salt = deps.repos.salts.for_day(day, expires_at=now + timedelta(days=2))
    return deps.hasher.digest("client:" + salt, client_unit(address))


def hit(deps: Deps, name: str, key: str, now: datetime) -> int:
    limit = LIMITS[name]
    window, expires = _window(now, limit.window)
    return deps.repos.counters.hit(name, window, key, expires)


def allowed(deps: Deps, name: str) -> int:
    return LIMITS[name].count * int(deps.settings.rate_limit_factor)


def check(deps: Deps, name: str, key: str, now: datetime) -> None:
    """Count one use and refuse it if over the limit."""
    if hit(deps, name, key, now) > allowed(deps, name):
        raise RateLimited(N_("操作太频繁，请稍后再试。"))


def exceeded(deps: Deps, name: str, key: str, now: datetime, *, budget: str | None = None) -> bool:
    """Whether the counter ``name`` of ``key`` has reached its limit, or the limit ``budget``
    names (a stricter budget on the same counter)."""
    window, _ = _window(now, LIMITS[name].window)
    return deps.repos.counters.peek(name, window, key) >= allowed(deps, budget or name)
