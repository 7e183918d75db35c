"""The AWS Lambda package: its size, the cold import of the app from the unzipped package
beside a bare interpreter start (the floor) and their ratio, its CPU time, the import and a
first ``GET /`` (which must make no AWS client), what the portal's modules would cost without
their bundled bytecode, the platform of every compiled wheel, and anything from tests or
development tools found in it.

    bash scripts/package.sh prod          # once: .venv-lambda, the runtime dependencies
    .venv/bin/python bench/package.py [--stage prod] [--runs 7]

The package is built again here from .venv-lambda by `zappa package`, with every network
lookup refused and no AWS credentials (tests/offline.py), then unzipped. Each timed run is a
fresh interpreter started the way Lambda's is: no site-packages, the package first on the
path, then boto3 and botocore (the runtime's own copies), no bytecode written (/var/task is
read-only). It imports Zappa's handler, the generated settings and the app module, which
builds the app with the serverless adapters (DynamoDB, S3, KMS and Twilio clients set up, made
at their first call, nothing sent; the secrets come from files instead of SSM, the one call
left out). A last run checks the unzipped app works, on the embedded adapters (the serverless
tests cover the AWS ones): pages in both languages, the API, a static file, photos (JPEG, PNG,
WebP) through the sanitiser, XLSX, Word, the QR code, YAML, Babel's Chinese and English data,
the China working-day calendar, the dependencies imported from bytecode alone, every compiled
module. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import record  # noqa: E402

LAMBDA_VENV = ROOT / ".venv-lambda"
#: what Lambda's python3.11 runtime provides beside the package (zappa_settings.json excludes them)
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath")
#: Amazon Linux 2, under Lambda's python3.11 runtime
RUNTIME_GLIBC = (2, 26)
#: path parts and top-level names that belong to development, never to the package
DEV_PARTS = {"tests", "test", "testing", "conftest.py", "bench", "docs", "infra", "scripts", "node_modules",
             ".venv", ".venv-lambda", ".git", ".ci", "test-artifacts"}
DEV_TOPS = {"pytest", "_pytest", "pluggy", "moto", "hypothesis", "schemathesis", "playwright", "cfnlint", "jsonschema",
            "responses", "xdist", "troposphere", "cfn_flip", "pip", "setuptools", "pkg_resources", "wheel",
            "argcomplete", "hjson", "placebo", "tqdm", "slugify", "toml", "boto3", "botocore", "s3transfer"}
DEV_FILES = {"zappa/cli.py", "zappa/core.py", "zappa/letsencrypt.py"}

IMPORT = "import handler, zappa_settings, portal.wsgi"
#: then the home page, as a first request would ask for it; it must make no AWS client
FIRST_PAGE = ("; assert portal.wsgi.app.test_client().get('/').status_code == 200"
              "; assert not any(getattr(s, '_client', None) is not None and getattr(s._client, 'made', False)"
              " for s in (portal.wsgi.app.extensions['portal'].store.inner, portal.wsgi.app.extensions['portal'].blobs,"
              " portal.wsgi.app.extensions['portal'].keyring))")
SMOKE = r'''
import importlib, io, pathlib, sys
from datetime import date, datetime, timezone
checks = []
def check(name, ok):
    checks.append((name, bool(ok)))
import portal.wsgi
client = portal.wsgi.app.test_client()
check("home page (zh)", "举报" in client.get("/").get_data(as_text=True))
check("home page (en)", client.get("/?lang=en").status_code == 200)
check("filing form", 'name="token"' in client.get("/report").get_data(as_text=True))
check("OpenAPI document", client.get("/api/v1/openapi.json").status_code == 200)
check("catalog API", client.get("/api/v1/catalog").status_code == 200)
check("static file", client.get("/static/vendor/leaflet/leaflet.js").status_code == 200)
check("404 page", "页面不存在" in client.get("/no-such-page?lang=zh_CN").get_data(as_text=True))  # the English check left a lang cookie
from babel.dates import format_date
check("Babel zh_CN", format_date(date(2027, 2, 6), format="full", locale="zh_CN") == "2027年2月6日星期六")
check("Babel en", format_date(date(2027, 2, 6), format="full", locale="en") == "Saturday, February 6, 2027")
from portal.domain.calendar import WorkingCalendar
check("China working days", not WorkingCalendar().is_working_day(date(2027, 2, 8)))
from portal.domain import holiday_table
check("holiday table snapshot read (no holidays import)", holiday_table._table() is not None and "holidays" not in sys.modules)
from portal.config import DEMO_COUNTY_FILE
from portal.county_registry import read_snapshot_header
check("county snapshot current", read_snapshot_header(DEMO_COUNTY_FILE) is not None)
check("no county file parsed (its schema never imported)", "portal.counties" not in sys.modules)
from PIL import Image
from portal.evidence.sanitize import sanitize
photo = io.BytesIO(); Image.new("RGB", (64, 48), (90, 120, 60)).save(photo, "JPEG")
check("photo sanitiser (Pillow)", sanitize(photo.getvalue(), 10 * 1024 * 1024).data[:2] == b"\xff\xd8")
from twilio.rest import Client
from twilio.request_validator import RequestValidator
from portal.notify.twilio_sender import TwilioSender  # noqa: F401 - the adapter imports from the zip
check("Twilio messages API (the REST domains but api/ left out)",
      Client("AC" + "0" * 32, "x").messages.create.__name__ == "create" and RequestValidator("x") is not None)
import argon2
check("argon2", argon2.PasswordHasher().verify(argon2.PasswordHasher().hash("x"), "x"))
for fmt in ("PNG", "WEBP"):
    photo = io.BytesIO(); Image.new("RGB", (64, 48), (90, 120, 60)).save(photo, fmt)
    check("photo sanitiser, " + fmt, sanitize(photo.getvalue(), 10 * 1024 * 1024).data[:2] == b"\xff\xd8")
import openpyxl
book = io.BytesIO(); sheet = openpyxl.Workbook(); sheet.active["A1"] = "台账"; sheet.save(book)
check("XLSX (openpyxl)", openpyxl.load_workbook(io.BytesIO(book.getvalue())).active["A1"].value == "台账")
import docx
document = io.BytesIO(); made = docx.Document(); made.add_paragraph("通报"); made.save(document)
check("Word (python-docx, lxml)", docx.Document(io.BytesIO(document.getvalue())).paragraphs[-1].text == "通报")
import segno
check("QR code (segno)", segno.make("https://portal.test/s/ABC").version >= 1)
import yaml
check("YAML (pure Python, without libyaml)", yaml.safe_load("a: [1, 2]") == {"a": [1, 2]})
import flask.app, jinja2.environment, werkzeug.routing.map
check("dependencies' modules imported from bytecode alone",
      all(m.__file__.endswith(".pyc") and not pathlib.Path(m.__file__[:-1]).exists()
          for m in (flask.app, jinja2.environment, werkzeug.routing.map)))
for path in sorted(pathlib.Path(".").rglob("*.so")):
    if path.parts[0].endswith(".libs") or path.name.startswith("_imagingtk"):
        continue  # bundled C libraries, not modules; the Tk binding needs Tk, which no server has
    module = ".".join(path.parts[:-1] + (path.name.split(".")[0],))
    try:
        importlib.import_module(module)
        check("compiled " + module, True)
    except Exception as exc:
        check("compiled %s (%s)" % (module, exc), False)
failed = [name for name, ok in checks if not ok]
print("%d checks, %d failed%s" % (len(checks), len(failed), "".join("\n    failed: " + n for n in failed)))
'''


def stale_files() -> list[str]:
    """Files of the working tree's portal that differ from the copy installed in .venv-lambda
    (Zappa packages the installed copy over the working tree's)."""
    site = next((LAMBDA_VENV / "lib").glob("python3.*/site-packages"))
    stale = []
    for path in sorted((ROOT / "portal").rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        installed = site / path.relative_to(ROOT)
        if not installed.exists() or installed.read_bytes() != path.read_bytes():
            stale.append(str(path.relative_to(ROOT)))
    return stale


def build(stage: str, output: Path, home: Path) -> tuple[float, list[str]]:
    """`zappa package` from .venv-lambda, offline and without credentials; (seconds, refused hosts)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(home), AWS_CONFIG_FILE=str(home / "none"), AWS_SHARED_CREDENTIALS_FILE=str(home / "none"),
               VIRTUAL_ENV=str(LAMBDA_VENV), PATH=f"{LAMBDA_VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    started = time.perf_counter()
    result = subprocess.run([str(LAMBDA_VENV / "bin" / "python"), "-m", "tests.offline", "zappa", "package", stage,
                             "--output", str(output)], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"zappa package failed:\n{result.stdout}{result.stderr}")
    return seconds, re.findall(r"^offline: refused (\S+)$", result.stderr, flags=re.M)


def development_files(names: list[str]) -> list[str]:
    found = []
    for name in names:
        parts = name.split("/")
        top = parts[0].split("-")[0] if parts[0].endswith(".dist-info") else parts[0]
        if DEV_PARTS & set(parts) or top in DEV_TOPS or name in DEV_FILES or parts[0].endswith(".egg-info"):
            found.append(name)
    return found


def wheel_platforms(package: zipfile.ZipFile) -> tuple[dict[str, str], list[str]]:
    """{compiled distribution: its platform tags}, and those needing a newer glibc than Lambda's."""
    compiled, too_new = {}, []
    for name in package.namelist():
        if not name.endswith(".dist-info/WHEEL"):
            continue
        tags = [line.split(":", 1)[1].strip() for line in package.read(name).decode().splitlines()
                if line.startswith("Tag:")]
        if any(tag.endswith("-any") for tag in tags):
            continue
        platforms = sorted({tag.rsplit("-", 1)[1] for tag in tags})
        dist = name.split("/")[0].removesuffix(".dist-info")
        compiled[dist] = " ".join(platforms)
        if not any(_runs_on_lambda(p) for p in platforms):
            too_new.append(dist)
    return compiled, too_new


def _runs_on_lambda(platform: str) -> bool:
    if platform in ("manylinux1_x86_64", "manylinux2010_x86_64", "manylinux2014_x86_64"):
        return True
    found = re.fullmatch(r"manylinux_(\d+)_(\d+)_x86_64", platform)
    return bool(found) and (int(found.group(1)), int(found.group(2))) <= RUNTIME_GLIBC


def runtime_dir(target: Path) -> Path:
    """boto3 and botocore as Lambda's runtime provides them (here: this interpreter's copies)."""
    import botocore

    site = Path(botocore.__file__).resolve().parents[1]
    target.mkdir()
    for name in RUNTIME_PACKAGES:
        (target / name).symlink_to(site / name)
    return target


def lambda_environment(task: Path, runtime: Path, data: Path) -> dict:
    """The stage's environment (from the packaged settings), with what the import must not do
    left out: no SSM call (secrets from files), no AWS credentials needed (dummies)."""
    settings: dict = {}
    exec((task / "zappa_settings.py").read_text(), settings)
    env = {k: re.sub(r"<[A-Z_]+>", "placeholder", v) for k, v in settings["ENVIRONMENT_VARIABLES"].items()}
    env.update(PORTAL_SECRETS="file", PORTAL_DATA_DIR=str(data), PORTAL_TWILIO_AUTH_TOKEN="placeholder",
               PORTAL_TWILIO_ACCOUNT_SID="AC" + "0" * 32, PORTAL_TWILIO_MESSAGING_SERVICE_SID="MG" + "0" * 32,
               AWS_ACCESS_KEY_ID="placeholder", AWS_SECRET_ACCESS_KEY="placeholder", AWS_EC2_METADATA_DISABLED="true",
               AWS_LAMBDA_FUNCTION_NAME="portal-bench",  # as Lambda sets it: portal.wsgi keeps its parts lazy
               PYTHONPATH=f"{task}{os.pathsep}{runtime}", PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0",
               PATH=os.environ.get("PATH", ""), HOME=str(data), LANG="C.UTF-8")
    return env


def run(code: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-S", "-c", code], cwd=cwd, env=env, capture_output=True, text=True)


def timed(code: str, cwd: Path, env: dict, runs: int) -> float:
    """Median wall time of ``runs`` fresh interpreters running ``code``, in seconds."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = run(code, cwd, env)
        samples.append(time.perf_counter() - started)
        if result.returncode != 0:
            sys.exit(f"the import failed:\n{result.stderr[-3000:]}")
    return statistics.median(samples)


def cpu_time(code: str, cwd: Path, env: dict, runs: int) -> float:
    """Median CPU seconds (user and system) of ``runs`` fresh interpreters running ``code``."""
    import resource

    samples = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        run(code, cwd, env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(samples)


def largest_imports(cwd: Path, env: dict, count: int = 10) -> list[tuple[str, int, int]]:
    """The ``count`` top-level packages whose own modules take longest to import (``python -X
    importtime``): (name, cumulative microseconds of the package's import, with what it imports
    in turn; its modules' own microseconds)."""
    result = subprocess.run([sys.executable, "-S", "-X", "importtime", "-c", IMPORT], cwd=cwd, env=env,
                            capture_output=True, text=True)
    cumulative: dict[str, int] = {}
    own: dict[str, int] = {}
    for line in result.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if not found:
            continue
        self_us, total_us, name = int(found.group(1)), int(found.group(2)), found.group(4)
        top = name.split(".")[0]
        own[top] = own.get(top, 0) + self_us
        if name == top:  # the package's own line (printed after its submodules) holds its whole time
            cumulative[top] = max(cumulative.get(top, 0), total_us)
    ranked = sorted(own, key=own.get, reverse=True)[:count]
    return [(top, cumulative.get(top, 0), own[top]) for top in ranked]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stage", default="prod")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not (LAMBDA_VENV / "bin" / "zappa").exists():
        sys.exit("no .venv-lambda: run `bash scripts/package.sh` (it installs the runtime dependencies)")
    stale = stale_files()
    if stale:
        sys.exit(f".venv-lambda holds an older portal ({', '.join(stale[:5])}...): run `bash scripts/package.sh`")

    with tempfile.TemporaryDirectory(prefix="bench-package-") as tmp:
        tmp = Path(tmp)
        zip_path = tmp / f"complaint-portal-{args.stage}.zip"
        seconds, refused = build(args.stage, zip_path, tmp)
        package = zipfile.ZipFile(zip_path)
        infos = package.infolist()
        size = zip_path.stat().st_size
        unzipped = sum(i.file_size for i in infos)
        print(f"zappa package {args.stage}: built offline in {seconds:.1f} s without AWS credentials; "
              f"lookups refused: {', '.join(sorted(set(refused))) or 'none'} (pypi.org: Zappa's version check)")
        print(f"zip: {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB), {len(infos)} files, "
              f"{unzipped / 1e6:.0f} MB unzipped (Lambda limits: 50 MB zipped upload, 250 MB unzipped)")

        dev = development_files(package.namelist())
        print(f"from tests or development tools: {'none' if not dev else len(dev)}")
        for name in dev[:20]:
            print(f"    {name}")

        compiled, too_new = wheel_platforms(package)
        print(f"compiled wheels: {len(compiled)}, needing a newer glibc than Amazon Linux 2's "
              f"{RUNTIME_GLIBC[0]}.{RUNTIME_GLIBC[1]}: {', '.join(too_new) or 'none'}")
        for dist, platforms in sorted(compiled.items()):
            print(f"    {dist:40} {platforms}")

        task = tmp / "task"
        package.extractall(task)
        bare = tmp / "task-without-bytecode"
        shutil.copytree(task, bare, ignore=shutil.ignore_patterns("__pycache__"))
        runtime = runtime_dir(tmp / "runtime")
        env = lambda_environment(task, runtime, tmp / "data")
        bare_env = {**env, "PYTHONPATH": f"{bare}{os.pathsep}{runtime}"}
        run(IMPORT, task, env)  # writes the secret files once, as SSM would hold them

        floor = timed("pass", task, env, args.runs)
        cold = timed(IMPORT, task, env, args.runs)
        cold_cpu = cpu_time(IMPORT, task, env, args.runs)
        first_page = timed(IMPORT + FIRST_PAGE, task, env, args.runs)
        cold_bare = timed(IMPORT, bare, bare_env, max(3, args.runs // 2))
        print(f"cold start, median of {args.runs} fresh interpreters (`{IMPORT}`):")
        print(f"    floor, `python -S -c pass`:       {floor * 1000:7.0f} ms")
        print(f"    import, as packaged:               {cold * 1000:7.0f} ms   ratio {cold / floor:5.1f}"
              f"   (CPU time: {cold_cpu * 1000:.0f} ms; a loaded machine stretches wall time, not CPU time)")
        print(f"    import and a first GET /:          {first_page * 1000:7.0f} ms   ratio {first_page / floor:5.1f}"
              "   (what a citizen waits for; no AWS client made)")
        print(f"    import, the portal's own modules without their bytecode: {cold_bare * 1000:7.0f} ms"
              f"   ratio {cold_bare / floor:5.1f}   (what timestamp .pyc files would give: Zappa dates zip entries 1980)")

        print("the ten largest imports of a cold start (`python -X importtime`; self: the package's own modules)")
        for name, total_us, self_us in largest_imports(task, env):
            print(f"    {name:28} self {self_us / 1000:7.1f} ms   cumulative {total_us / 1000:7.1f} ms")
        record("package", [
            ("Lambda cold import, as packaged", f"{cold * 1000:.0f} ms (CPU {cold_cpu * 1000:.0f} ms) vs {floor * 1000:.0f} ms "
             "(`python -S -c pass`)", cold / floor, "≤ 700 ms"),
            ("Lambda cold import and a first `GET /`", f"{first_page * 1000:.0f} ms vs {floor * 1000:.0f} ms",
             first_page / floor, "no AWS client made"),
            ("Lambda zip", f"{size / 1e6:.1f} MB, {unzipped / 1e6:.0f} MB unzipped, vs Lambda's 50 MB limit",
             size / 50e6, "≤ 25 MB"),
        ])

        embedded = {**env, "PORTAL_STORE": "sqlite", "PORTAL_BLOBS": "files", "PORTAL_KEYRING": "local",
                    "PORTAL_SMS": "outbox"}
        smoke = run(SMOKE, task, embedded)
        print("the unzipped app: " + (smoke.stdout.strip() or f"did not run:\n{smoke.stderr[-3000:]}"))


if __name__ == "__main__":
    main()
