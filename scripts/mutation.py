"""Mutation score of domain modules (issue #16): run by ``scripts/mutation.sh``, which installs
the pinned mutmut first.

    scripts/mutation.sh MODULE... [--tests "tests/unit"] [--workers 1] [--readme]
    scripts/mutation.sh --all [--readme]      # every portal/domain/*.py but __init__ and errors
    scripts/mutation.sh --table [--readme]    # the table of the last runs (written into the README)
    scripts/mutation.sh --kill MUTANT [TEST...]  # do these tests (default --tests) kill this mutant?
    scripts/mutation.sh MODULE... --rescore   # the last run scored again (equivalents edited), mutmut not run

MODULE is a name under ``portal/domain/`` (``access``, ``campaigns.items`` for a module of a
subpackage) or a path to any module. The work tree
(tracked and untracked files, not ignored ones) is copied to ``var/mutation/run/NAME/``, where one
mutmut run mutates the modules asked for and, for each mutant, runs the tests of ``--tests``
that call the mutated function. Then, per module, it prints bench-style figures and every
survivor as a diff, and keeps the figures in ``var/mutation/scores/MODULE.json``.

Two kinds of survivors are set apart, and counted:
- **message text**: the mutant changes nothing but the text of a message: a ``N_()`` msgid, or
  the message of a raised exception (its text, or the text replaced by ``None``: the same
  exception, with the same field and parameters, carrying no text). It is excluded from the score, and the
  number excluded is printed. Any other string (a state, a history kind, a field name) counts.
- **equivalent**: listed in ``scripts/mutation-equivalent.tsv`` (module, function, the line
  before and after, one line of why) because no test can tell it from the original. Matched
  by its text, not mutmut's number, so the list survives edits elsewhere in the module.

score = killed / (mutants - message text - equivalent); timeouts count as killed (the mutant
never returned). ``--readme`` writes the modules' rows into the README table between
``<!-- mutation:begin -->`` and ``<!-- mutation:end -->``, keeping the other rows.
"""

from __future__ import annotations

import argparse
import ast
import functools
import json
import os
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "mutation"
RUNS = WORK / "run"
RUN = RUNS  #: this run's copy of the work tree: ``RUNS / NAME`` (see ``run_dir``), set by main()
SCORES = WORK / "scores"
EQUIVALENT = ROOT / "scripts" / "mutation-equivalent.tsv"
README = ROOT / "README.md"
BEGIN, END = "<!-- mutation:begin -->", "<!-- mutation:end -->"
DEFAULT_TESTS = "tests/unit"
#: tests that read the source files, which in mutmut's copy hold the text of every mutant: the
#: catalog check would find the mutated msgids (it checks translations, not a rule)
IGNORED_TESTS = ["tests/unit/test_translations.py"]
#: not measured by --all: exception classes only, nothing to mutate that a rule depends on
NOT_MEASURED = {"__init__", "errors"}
KILLED = {"killed", "timeout", "segfault"}  # segfault: killed by a signal (mutmut's word)


# --- what to run ----------------------------------------------------------------------------
def module_path(name: str) -> str:
    path = Path(name if name.endswith(".py") else f"portal/domain/{name.replace('.', '/')}.py")
    if not (ROOT / path).is_file():
        raise SystemExit(f"no such module: {path}")
    return path.as_posix()


def all_domain_modules() -> list[str]:
    """Every module of ``portal/domain/`` and of its subpackages (``campaigns/items.py``)."""
    return sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "portal" / "domain").rglob("*.py")
                  if p.stem not in NOT_MEASURED)


def module_name(path: str) -> str:
    """``access`` for portal/domain/access.py, ``campaigns.items`` for a subpackage's module,
    the path itself for a module outside the domain: the name in the table, the scores file and
    the equivalents list."""
    if not path.startswith("portal/domain/"):
        return path
    return path.removeprefix("portal/domain/").removesuffix(".py").replace("/", ".")


def run_dir(modules: list[str]) -> Path:
    """One copy per set of modules (``var/mutation/run/access``, ``run/calendar+3``), so that
    the mutants of an earlier run stay there for ``--kill`` while another module runs."""
    first = module_name(modules[0]).replace("/", "_")
    return RUNS / (first if len(modules) == 1 else f"{first}+{len(modules) - 1}")


def run_of(mutant: str) -> Path:
    """The run that holds this mutant: the newest copy whose mutant data names it."""
    quoted = (f'"{mutant}"', json.dumps(mutant))  # mutmut writes "ǁ" escaped
    candidates = sorted((p for p in RUNS.glob("*/mutants/portal/**/*.meta")
                         if any(q in p.read_text(encoding="utf-8", errors="replace") for q in quoted)),
                        key=lambda p: p.stat().st_mtime, reverse=True)
    if not candidates:
        raise SystemExit(f"no run holds {mutant}: run scripts/mutation.sh on its module first")
    return RUNS / candidates[0].relative_to(RUNS).parts[0]


def copy_work_tree(resume: bool = False, modules: list[str] = ()) -> None:
    """Tracked and untracked (not ignored) files, as they are on disk, into ``RUN``. With
    ``resume``, the last run's mutants of ``modules`` stay (see ``keep_results``)."""
    if RUN.exists() and resume and (RUN / "mutants").is_dir():
        keep_results(modules)
        for path in RUN.iterdir():
            if path.name != "mutants":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    elif RUN.exists():
        shutil.rmtree(RUN)
    RUN.mkdir(parents=True, exist_ok=True)
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            target = RUN / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def keep_results(modules: list[str]) -> None:
    """``--resume``: mutmut itself keeps the result of every mutant of a function that did not
    change since its last run (it compares each function's hash) and runs the others. Here the
    rest is made fresh: every survivor is run again (the tests may have changed), the tests
    and every module not mutated are copied again, and the test-to-function map is rebuilt.
    A mutant killed before stays killed: a test deleted or weakened since is not noticed
    (run without ``--resume`` for a clean measure)."""
    mutants = RUN / "mutants"
    keep = {m for m in modules} | {m + ".meta" for m in modules} | {m + ".spans" for m in modules}  # .spans: mutmut's line index
    for path in list((mutants / "portal").rglob("*")):
        relative = path.relative_to(mutants).as_posix()
        if path.is_file() and relative not in keep:
            path.unlink()
    for path in mutants.iterdir():
        if path.name != "portal":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for module in modules:
        meta = mutants / (module + ".meta")
        if meta.is_file():
            data = json.loads(meta.read_text(encoding="utf-8"))
            data["exit_code_by_key"] = {key: code if code is not None and _killed(code) else None
                                        for key, code in data["exit_code_by_key"].items()}
            meta.write_text(json.dumps(data, indent=4), encoding="utf-8")


def _killed(code: int) -> bool:
    from mutmut.stats import status_by_exit_code

    return status_by_exit_code[code] in KILLED


def configure(modules: list[str], tests: list[str]) -> None:
    top = sorted(p.name for p in RUN.iterdir() if p.name not in ("portal", "mutants"))
    config = {
        "source_paths": ["portal"],
        "only_mutate": modules,
        "also_copy": top,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-q", *(f"--ignore={t}" for t in IGNORED_TESTS)],
        "pytest_add_cli_args_test_selection": tests,
    }
    lines = ["", "[tool.mutmut]"] + [f"{key} = {json.dumps(value)}" for key, value in config.items()]
    with open(RUN / "pyproject.toml", "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def run_mutmut(workers: int) -> float:
    started = time.monotonic()
    log = RUN / "mutmut.log"
    with open(log, "w", encoding="utf-8") as out:
        code = subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(workers)], cwd=RUN,
                              stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONHASHSEED": "0"}).returncode
    if code != 0:
        sys.stdout.write(log.read_text(encoding="utf-8", errors="replace")[-4000:])
        raise SystemExit(f"mutmut failed (exit {code}); its log: {log}")
    return time.monotonic() - started


# --- reading the results --------------------------------------------------------------------
def function_sources(mutant: str, path: str) -> tuple[str, str]:
    """The original function and the mutant, as source (run inside ``RUN``)."""
    import libcst as cst
    from mutmut.mutation.diff_apply import read_functions_from_index, read_mutant_function, read_original_function

    functions = read_functions_from_index(mutant, path)
    if functions is None:
        module = _parsed_mutants_module(path)
        functions = (read_original_function(module, mutant), read_mutant_function(module, mutant))
    return tuple(cst.Module([f]).code.strip() for f in functions)


@functools.cache
def _parsed_mutants_module(path: str):
    """The mutated module parsed once per run (a big file: parsing it per survivor took minutes)."""
    from mutmut.mutation.diff_apply import read_mutants_module

    return read_mutants_module(path)


class _MaskMessages(ast.NodeTransformer):
    """Replace message text with one placeholder: the text of a msgid (``N_("...")``), and the
    message given to a raised exception (a msgid, a string, or ``None`` in its place). Outside a
    raise, ``N_(None)`` stays apart: a ``None`` there (``public=``) hides an event from the reporter."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if _is_msgid(node):
            node.args = [_MESSAGE if isinstance(a, ast.Constant) and isinstance(a.value, str) else a
                         for a in node.args]
        return node

    def visit_Raise(self, node: ast.Raise) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.exc, ast.Call):
            node.exc.args = [_MESSAGE if _is_message(a) else a for a in node.exc.args]
        return node


_MESSAGE = ast.Constant("<message>")


def _is_msgid(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_"


def _is_message(node: ast.AST) -> bool:
    return _is_msgid(node) or (isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)))


def message_only(original: str, mutant: str) -> bool:
    def masked(source: str) -> str:
        return ast.dump(_MaskMessages().visit(ast.parse(source)))

    return original != mutant and masked(original) == masked(mutant)


def changed_lines(original: str, mutant: str) -> tuple[str, str]:
    """The lines the mutant changed, stripped and joined: (before, after)."""
    from difflib import ndiff

    before, after = [], []
    for line in ndiff(original.splitlines(), mutant.splitlines()):
        if line.startswith("- "):
            before.append(line[2:].strip())
        elif line.startswith("+ "):
            after.append(line[2:].strip())
    return " ".join(before), " ".join(after)


def function_name(mutant: str) -> str:
    """``Clock.state`` or ``route`` from mutmut's mangled name."""
    from mutmut.utils.format_utils import orig_function_and_class_names_from_key

    name, cls = orig_function_and_class_names_from_key(mutant)
    return f"{cls}.{name}" if cls else name


def load_equivalents() -> dict[tuple[str, str, str, str], str]:
    known = {}
    for number, line in enumerate(EQUIVALENT.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 5:
            raise SystemExit(f"{EQUIVALENT.name}:{number}: expected 5 tab-separated cells, got {len(cells)}")
        module, function, before, after, why = cells
        if not why.strip():
            raise SystemExit(f"{EQUIVALENT.name}:{number}: say why the mutant is equivalent")
        known[(module, function, before, after)] = why
    return known


def score_module(path: str, equivalents: dict) -> dict:
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code

    data = SourceFileMutationData(path=path)
    data.load()
    module = module_name(path)
    figures = {"mutants": 0, "killed": 0, "timeout": 0, "survived": 0, "no_tests": 0, "other": 0,
               "message_text": 0, "equivalent": 0}
    survivors, used = [], set()
    for mutant, code in sorted(data.exit_code_by_key.items(), key=lambda kv: _order(kv[0])):
        status = status_by_exit_code[code]
        figures["mutants"] += 1
        if status in KILLED:
            figures["killed"] += 1
            figures["timeout"] += status == "timeout"
            continue
        original, mutated = function_sources(mutant, path)
        function = function_name(mutant)
        before, after = changed_lines(original, mutated)
        if message_only(original, mutated):
            figures["message_text"] += 1
            continue
        key = (module, function, before, after)
        if key in equivalents:
            figures["equivalent"] += 1
            used.add(key)
            continue
        figures["survived" if status == "survived" else "no_tests" if status == "no tests" else "other"] += 1
        survivors.append({"mutant": mutant, "status": status, "function": function, "before": before,
                          "after": after})
    counted = figures["mutants"] - figures["message_text"] - figures["equivalent"]
    figures["score"] = round(100 * figures["killed"] / counted, 1) if counted else 100.0
    stale = sorted(k for k in equivalents if k[0] == module and k not in used)
    return {"module": module, "path": path, **figures, "survivors": survivors,
            "stale_equivalents": [list(k) for k in stale]}


def _order(mutant: str) -> tuple[str, int]:
    name, _, n = mutant.rpartition("__mutmut_")
    return name, int(n) if n.isdigit() else 0


# --- printing -------------------------------------------------------------------------------
def print_module(result: dict) -> None:
    r = result
    print(f"\n{r['path']}  (mutmut {r['mutmut']}, tests: {' '.join(r['tests'])}, {r['workers']} worker(s), "
          f"run {r['seconds']:.0f} s for all modules of the run)")
    rows = [
        ("mutants", r["mutants"], ""),
        ("message text, excluded", r["message_text"], "a msgid or a raised exception's text changed, nothing else"),
        ("equivalent, excluded", r["equivalent"], f"listed in scripts/{EQUIVALENT.name}"),
        ("killed", r["killed"], f"of which {r['timeout']} timed out"),
        ("survived", r["survived"], ""),
        ("no test calls it", r["no_tests"], ""),
        ("other (suspicious, not checked)", r["other"], ""),
    ]
    for label, value, note in rows:
        print(f"  {label:<32}{value:>6}   {note}")
    print(f"  {'score':<32}{r['score']:>5}%   killed / (mutants - message text - equivalent)")
    for s in r["survivors"]:
        print(f"  {s['status']}: {s['mutant']}  ({s['function']})")
        print(f"      - {s['before']}\n      + {s['after']}")
    for k in r["stale_equivalents"]:
        print(f"  note: listed equivalent no longer found (remove it from {EQUIVALENT.name}): {k[1]}: {k[2]} -> {k[3]}")


def table(results: list[dict]) -> str:
    lines = ["| module | mutants | message text excluded | equivalent | killed | survived | score | tests |",
             "|---|---|---|---|---|---|---|---|"]
    for r in sorted(results, key=lambda r: r["path"]):
        lines.append(f"| `{r['path']}` | {r['mutants']} | {r['message_text']} | {r['equivalent']} | {r['killed']} "
                     f"| {r['survived'] + r['no_tests'] + r['other']} | {r['score']}% | `{' '.join(r['tests'])}` |")
    return "\n".join(lines)


def stored_results() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCORES.glob("*.json"))]


def write_readme(results: list[dict]) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    rows = {}
    for line in text[start:end].strip().splitlines()[2:]:
        rows[line.split("|")[1].strip()] = line
    for line in table(results).splitlines()[2:]:
        rows[line.split("|")[1].strip()] = line
    header = "\n".join(table([]).splitlines()[:2])
    body = "\n".join(rows[k] for k in sorted(rows))
    README.write_text(text[:start] + "\n" + header + "\n" + body + "\n" + text[end:], encoding="utf-8")


def kill(mutant: str, tests: list[str]) -> int:
    """Run ``tests`` (from the work tree as it is now) against one mutant of the last run: the
    record of which test kills which mutant. Exit 0 if they kill it, 1 if it survives them."""
    mutants = run_of(mutant) / "mutants"
    shutil.copytree(ROOT / "tests", mutants / "tests", dirs_exist_ok=True)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rf", "--no-header", *tests]
    for name, value in (("original", ""), ("mutant", mutant)):
        done = subprocess.run(command, cwd=mutants, env={**os.environ, "MUTANT_UNDER_TEST": value},
                              capture_output=True, text=True)
        last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"{name:<9} {last}")
        if name == "original" and done.returncode != 0:
            print(done.stdout[-3000:])
            raise SystemExit("the tests fail without the mutant: fix them first")
    failed = [line[len("FAILED "):].split(" - ")[0] for line in done.stdout.splitlines() if line.startswith("FAILED ")]
    print("killed by " + "\n          ".join(failed) if done.returncode else "SURVIVES")
    return 0 if done.returncode else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*")
    parser.add_argument("--all", action="store_true", help="every module of portal/domain/")
    parser.add_argument("--tests", default=DEFAULT_TESTS, help=f"test paths, space-separated (default {DEFAULT_TESTS})")
    parser.add_argument("--workers", type=int, default=1, help="mutmut workers (default 1; the machine is shared)")
    parser.add_argument("--readme", action="store_true", help="write the modules' rows into README.md")
    parser.add_argument("--resume", action="store_true",
                        help="keep the last run's kills of unchanged functions; run changed functions and survivors")
    parser.add_argument("--rescore", action="store_true",
                        help="score the modules' last run again without running mutmut (after editing the equivalents)")
    parser.add_argument("--table", action="store_true", help="print the table of the last runs and stop")
    parser.add_argument("--kill", metavar="MUTANT", help="run the tests named (or --tests) against one mutant")
    args = parser.parse_args()
    if args.kill:
        return kill(args.kill, args.modules or args.tests.split())
    if args.table:
        print(table(stored_results()))
        if args.readme:
            write_readme(stored_results())
        return 0
    modules = all_domain_modules() if args.all else [module_path(m) for m in args.modules]
    if not modules:
        parser.error("name a module (access, routing, ...) or --all")
    tests = args.tests.split()
    equivalents = load_equivalents()
    global RUN
    RUN = run_dir(modules)
    if args.rescore:
        if not (RUN / "mutants").is_dir():
            raise SystemExit(f"no run of these modules under {RUN}: run them first")
        last = SCORES / f"{module_name(modules[0])}.json"
        previous = json.loads(last.read_text(encoding="utf-8")) if last.is_file() else {}
        tests, seconds, workers = previous.get("tests", tests), previous.get("seconds", 0.0), previous.get("workers", 1)
    else:
        copy_work_tree(args.resume, modules)
        configure(modules, tests)
        seconds, workers = run_mutmut(args.workers), args.workers
    os.chdir(RUN)
    sys.path.insert(0, str(RUN))
    SCORES.mkdir(parents=True, exist_ok=True)
    results = []
    for path in modules:
        result = score_module(path, equivalents)
        result.update(mutmut=version("mutmut"), tests=tests, workers=workers, seconds=seconds)
        (SCORES / f"{result['module']}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False),
                                                         encoding="utf-8")
        results.append(result)
        print_module(result)
    print("\n" + table(results))
    if args.readme:
        write_readme(results)
        print(f"\nREADME.md rows written: {', '.join(r['module'] for r in results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
