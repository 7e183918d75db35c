"""Write the README's parts that come from the benches' latest runs, or check they are current:

- the performance table ("Tests and benchmarks"), from every ``bench/results/<bench>.json``;
- the "What it costs" section, from the quantities ``bench/aws_calls.py`` counted
  (``bench/results/aws_calls.json``), the estimates and the prices below.

    .venv/bin/python scripts/readme_benches.py          # rewrite both parts of README.md
    .venv/bin/python scripts/readme_benches.py --check  # exit 1 if README.md differs (tests/unit/test_readme.py)

A bench run keeps its figures (``bench/results.py``); this script only renders them, so the
README says what the last run measured and nothing else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RESULTS = ROOT / "bench" / "results"
PERFORMANCE = ("<!-- performance:begin -->", "<!-- performance:end -->")
COSTS = ("<!-- costs:begin -->", "<!-- costs:end -->")
#: the benches in the table's order; any other kept result follows, by name
ORDER = ("package", "aws_calls", "intake", "sweep", "province")

# --- estimates: what the bench does not count ------------------------------------------------
BROWSING = 60  #: requests per complaint by people who look, come back or do not file
STATUS_LOOKUPS = 5
STAFF = {"requests": 10, "rru": 100, "wru": 10, "downloads": 5}
SWEEPS = 8_640  #: a sweep every 5 minutes, 30 days
COLD_STARTS = {1_000: 720, 100_000: 2_880}
GBS = {"request": 0.15, "sweep": 0.1, "cold": 3.0, "tile": 0.05}  #: 512 MB for 300 ms, 200 ms, 6 s, 100 ms
COLD_KMS = 3
PHOTO_MB, MONTHS_KEPT, LOG_BYTES, SENT_KB, PHONE_SHARE = 1, 12, 500, 15, 0.6
TILES, TILE_KB, TILE_CACHE_GB = 25, 10, 4
FREE_OUT_GB = 100
# --- prices: AWS us-east-1 on-demand list prices in USD; Twilio's a planning figure ------------
PRICE = {"lambda_request": 0.20e-6, "gbs": 0.0000166667, "apigw": 3.50e-6, "rru": 0.125e-6, "wru": 0.625e-6,
         "ddb_gb": 0.25, "pitr_gb": 0.20, "s3_put": 0.005e-3, "s3_get": 0.0004e-3, "s3_gb": 0.023, "kms_key": 1.00,
         "kms_request": 0.03e-4, "log_in_gb": 0.50, "log_kept_gb": 0.03, "alarms": 2.20, "out_gb": 0.09, "sms": 0.05}
SIZES = (1_000, 100_000)


def load(bench: str) -> dict:
    return json.loads((RESULTS / f"{bench}.json").read_text(encoding="utf-8"))


def number(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def money(value: float) -> str:
    return f"${value:,.2f}".replace(",", " ")


# --- the performance table --------------------------------------------------------------------


def performance_table() -> str:
    names = [n for n in ORDER if (RESULTS / f"{n}.json").exists()]
    names += sorted(p.stem for p in RESULTS.glob("*.json") if p.stem not in names)
    lines = ["| bench | measure | figures beside the floor | ratio | target | last run |", "|---|---|---|---:|---|---|"]
    for name in names:
        result = load(name)
        for row in result["rows"]:
            ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}"
            lines.append(f"| `bench/{name}.py` | {row['measure']} | {row['figures']} | {ratio} | {row['target']} "
                         f"| {result['measured']}, {result['machine']} |")
    return "\n".join(lines)


# --- what it costs ----------------------------------------------------------------------------


def cost_rows(q: dict) -> tuple[list[tuple[str, str, str, list[str]]], dict[int, float], dict[int, float]]:
    """(rows of item, quantity, unit price, a cell per size), the AWS totals, the totals."""
    http = q["requests"] + BROWSING + STATUS_LOOKUPS + STAFF["requests"]
    invocations = http + q["other_invocations"]
    sweep_rru = q["sweep_calls"] * 0.5
    reads = q["rru"] + STATUS_LOOKUPS * q["status_rru"] + STAFF["rru"]
    writes = q["wru"] + STATUS_LOOKUPS * q["status_wru"] + STAFF["wru"]
    rows: list[tuple[str, str, str, list[str]]] = []
    aws = {n: 0.0 for n in SIZES}
    largest: dict[str, float] = {}  #: item -> its cost at the larger size

    def add(item: str, quantity: str, price: str, cells: dict[int, tuple[str, float]]):
        for n, (_, cost) in cells.items():
            aws[n] += cost
        largest[item] = cells[SIZES[-1]][1]
        rows.append((item, quantity, price, [text for text, _ in cells.values()]))

    def counted(amount, price_key, unit=""):
        return {n: (f"{number(amount(n))}{unit} → {money(amount(n) * PRICE[price_key])}", amount(n) * PRICE[price_key])
                for n in SIZES}

    add("Lambda requests", f"{invocations} N requests + {number(SWEEPS)} sweeps", "0.20 per million",
        counted(lambda n: invocations * n + SWEEPS, "lambda_request"))
    add("Lambda duration", f"{invocations} N × {GBS['request']} GB-s + {number(SWEEPS)} × {GBS['sweep']} + cold starts "
        f"× {GBS['cold']:g} GB-s", "0.0000166667 per GB-s",
        counted(lambda n: invocations * n * GBS["request"] + SWEEPS * GBS["sweep"] + COLD_STARTS[n] * GBS["cold"], "gbs"))
    add("API Gateway REST requests", f"{http} N ({q['requests']} counted + {http - q['requests']} estimated)",
        "3.50 per million", counted(lambda n: http * n, "apigw"))
    add("DynamoDB reads", f"({q['rru']:g} + {STATUS_LOOKUPS * q['status_rru']:g} + {STAFF['rru']}) N RRU + "
        f"{number(SWEEPS)} × {sweep_rru:g}", "0.125 per million RRU",
        counted(lambda n: reads * n + SWEEPS * sweep_rru, "rru"))
    add("DynamoDB writes", f"({q['wru']:g} + {STATUS_LOOKUPS * q['status_wru']:g} + {STAFF['wru']}) N WRU",
        "0.625 per million WRU", counted(lambda n: writes * n, "wru"))
    storage_gb = {n: q["storage_kb"] * MONTHS_KEPT * n / 1024 ** 2 for n in SIZES}
    add("DynamoDB storage", f"{q['storage_kb']:g} KB × {MONTHS_KEPT} N", "0.25 per GB-month",
        {n: (f"{storage_gb[n]:.2f} GB → {money(storage_gb[n] * PRICE['ddb_gb'])}", storage_gb[n] * PRICE["ddb_gb"])
         for n in SIZES})
    add("DynamoDB point-in-time recovery", "same", "0.20 per GB-month",
        {n: (money(storage_gb[n] * PRICE["pitr_gb"]), storage_gb[n] * PRICE["pitr_gb"]) for n in SIZES})
    add("S3 PUT and POST", f"{q['s3_puts_and_posts']} N", "0.005 per 1 000",
        counted(lambda n: q["s3_puts_and_posts"] * n, "s3_put"))
    gets = q["s3_gets"] + STAFF["downloads"]
    add("S3 GET", f"{gets} N", "0.0004 per 1 000", counted(lambda n: gets * n, "s3_get"))
    photos_gb = {n: PHOTO_MB * MONTHS_KEPT * n / 1024 for n in SIZES}
    add("S3 storage (evidence)", f"{PHOTO_MB} MB × {MONTHS_KEPT} N", "0.023 per GB-month",
        {n: (f"{photos_gb[n]:.1f} GB → {money(photos_gb[n] * PRICE['s3_gb'])}", photos_gb[n] * PRICE["s3_gb"])
         for n in SIZES})
    add("KMS key", "1 key (its yearly rotations add $1 a month each for the first two)", "1.00 per month",
        {n: (money(PRICE["kms_key"]), PRICE["kms_key"]) for n in SIZES})
    add("KMS requests", f"{q['kms']} N + {COLD_KMS} per cold start", "0.03 per 10 000",
        counted(lambda n: q["kms"] * n + COLD_KMS * COLD_STARTS[n], "kms_request"))
    logs = {n: (invocations * n + SWEEPS) * LOG_BYTES / 1e9 * (PRICE["log_in_gb"] + MONTHS_KEPT * PRICE["log_kept_gb"])
            for n in SIZES}
    add("CloudWatch Logs", f"{LOG_BYTES} B per invocation, kept {MONTHS_KEPT} months",
        "0.50 per GB in, 0.03 per GB-month", {n: (money(logs[n]), logs[n]) for n in SIZES})
    add("CloudWatch alarms and metrics", "7 alarm metrics (6 alarms, one of two metrics), 5 custom metrics",
        "0.10 + 0.30 per month", {n: (money(PRICE["alarms"]), PRICE["alarms"]) for n in SIZES})
    out_gb = {n: SENT_KB * http * n / 1e6 for n in SIZES}
    out = {n: max(0.0, out_gb[n] - FREE_OUT_GB) * PRICE["out_gb"] for n in SIZES}
    add("Data out to the internet", f"{SENT_KB} KB × {http} N, first {FREE_OUT_GB} GB free", "0.09 per GB",
        {n: (f"{out_gb[n]:.1f} GB → {money(out[n])}" if out_gb[n] < 10 else f"{number(out_gb[n])} GB → {money(out[n])}",
             out[n]) for n in SIZES})
    tiles = {}
    for n in SIZES:
        tiles_out = max(0.0, out_gb[n] + TILE_KB * TILES * n / 1e6 - FREE_OUT_GB) * PRICE["out_gb"] - out[n]
        tiles[n] = (TILES * n * (PRICE["apigw"] + PRICE["lambda_request"] + GBS["tile"] * PRICE["gbs"] + PRICE["s3_get"])
                    + tiles_out + TILE_CACHE_GB * PRICE["s3_gb"])
    add("Map tiles (estimated)", f"{TILES} N requests, invocations and S3 GETs; {TILE_KB} KB × {TILES} N out; "
        f"{TILE_CACHE_GB} GB kept", "as above", {n: (money(tiles[n]), tiles[n]) for n in SIZES})
    sms = {n: q["sms_segments"] * PHONE_SHARE * n * PRICE["sms"] for n in SIZES}
    rows.append(("**AWS total**", "", "", [f"**{money(aws[n])}**" for n in SIZES]))
    rows.append(("Twilio SMS to China", f"{q['sms_segments']} segments × {PHONE_SHARE:.0%} × N".replace("%", " %"),
                 "0.05 per segment (planning figure)",
                 [f"{number(q['sms_segments'] * PHONE_SHARE * n)} → {money(sms[n])}" for n in SIZES]))
    total = {n: aws[n] + sms[n] for n in SIZES}
    rows.append(("**Total**", "", "", [f"**{money(total[n])}**" for n in SIZES]))
    return rows, sorted(largest, key=largest.get, reverse=True)[:3], total


def costs_section() -> str:
    result = load("aws_calls")
    q = result["quantities"]
    rows, leading, _ = cost_rows(q)
    table = ["| item | quantity a month (N complaints) | unit price (USD) | 1 000 | 100 000 |", "|---|---|---|---:|---:|"]
    table += [f"| {item} | {quantity} | {price} | {' | '.join(cells)} |" for item, quantity, price, cells in rows]
    http = q["requests"] + BROWSING + STATUS_LOOKUPS + STAFF["requests"]
    return f"""Generated by `scripts/readme_benches.py` from the last run of `bench/aws_calls.py`
({result['measured']}); edit the estimates and prices in the script, not here.

Monthly cost at 1 000 and 100 000 complaints a month. The quantities per complaint are
**counted** by `bench/aws_calls.py` (one life: the form page with its assets and map, one
photo uploaded straight to S3 and sanitised, filing with a phone, the code confirmed, the
status viewed, accepted and concluded, Twilio's `sent` and `delivered` callbacks for every
SMS). What it does not count is **estimated** below and marked so.

Counted, per complaint: {q['requests']} requests through API Gateway and {q['other_invocations']} S3-triggered
invocation; {q['dynamodb_calls']} DynamoDB calls consuming **{q['rru']:g} read and {q['wru']:g} write request units**
(DynamoDB Local's own accounting: transactions count twice, each index copy is a write; {q['transactions']}
transactions; the complaint item, {q['item_kb']:g} KB at the end, is kept in {q['item_indexes']} indexes,
{q['projections']}: keys and expiry only); {q['storage_kb']:g} KB of table and index storage; {q['s3_requests']} S3
requests (the browser's POST and the sanitiser's PUT, one GET, one DELETE, which is free); {q['kms']} KMS requests
(data-key caches empty at every step, as in a later container); {q['sms_segments']} SMS segments. Per idle sweep:
{q['sweep_calls']} DynamoDB calls with 1 county and {q['sweep_calls_province']} with {q['province_counties']} (the due index's
shards read keys-only, and the one record naming the counties with a review schedule; DynamoDB Local reports 0 units
for an empty result: counted here at DynamoDB's minimum of 0.5 unit each). Per container start:
{q['container_ssm']} SSM `GetParameters`.

Estimated: {BROWSING} more requests per complaint for browsing (20 page views by people who look,
come back or do not file, each with two uncached assets; counted: the home and form pages
make no AWS call) and {STATUS_LOOKUPS} status lookups ({q['status_rru']:g} RRU and {q['status_wru']:g} WRU each, counted for one
lookup); for the staff app {STAFF['requests']} requests, {STAFF['rru']} RRU, {STAFF['wru']} WRU and {STAFF['downloads']} evidence
downloads per complaint; 512 MB functions billed 300 ms per invocation, 200 ms per idle sweep;
{number(COLD_STARTS[1_000])} cold starts a month at 1 000 complaints and {number(COLD_STARTS[100_000])} at 100 000, each
billed 6 s of initialisation and making {COLD_KMS} KMS requests (SSM decrypting the three secrets, read once per
container: the app, the sweeper and the sanitiser share one set of services, `portal/runtime.py`);
{PHOTO_MB} MB per sanitised photo (at most 2560 px, JPEG quality 85); {MONTHS_KEPT} months of photos and records
kept; {LOG_BYTES} bytes of log per invocation; {SENT_KB} KB sent per request; {PHONE_SHARE:.0%} of reporters verify a
phone; {TILES} map tiles per complaint (the form's map at a few zoom levels, none in the browser's cache
yet), each an API Gateway request, a 100 ms invocation, an S3 GET and {TILE_KB} KB sent, and {TILE_CACHE_GB} GB of
cached tiles (the county's box, zoom 8 to 18). In all, {http} requests through API Gateway per complaint.

Prices: **AWS us-east-1 (N. Virginia) public on-demand list prices in USD** (2025 price
pages; DynamoDB after the November 2024 reduction), without any free tier. The region of
the settings, `cn-north-1` (Beijing), is billed in CNY by the China operator from its own
price list at amazonaws.cn: replace the unit prices, the quantities stay. Twilio bills SMS
to China per segment (Chinese text: 70 characters, 67 per part of a longer message); the
table uses **US$0.05 a segment as a planning figure**: read the current price for `CN` from
Twilio's Pricing API before budgeting. SSM standard parameters and their standard
throughput cost nothing.

{chr(10).join(table)}

SMS is nearly all of the bill; on AWS, at 100 000 complaints a month, the largest items are
{", ".join(leading[:-1])} and {leading[-1]}."""


# --- README -----------------------------------------------------------------------------------


def replaced(text: str, markers: tuple[str, str], body: str) -> str:
    begin, end = markers
    start, stop = text.index(begin) + len(begin), text.index(end)
    return text[:start] + "\n" + body + "\n" + text[stop:]


def rendered(text: str) -> str:
    return replaced(replaced(text, PERFORMANCE, performance_table()), COSTS, costs_section())


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = rendered(text)
    if "--check" in sys.argv:
        if new != text:
            print("README.md's bench figures are stale: run scripts/readme_benches.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
