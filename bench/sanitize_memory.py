"""Peak memory of sanitising one large photo, beside the same process doing everything but
the sanitising (the floor), and the extra memory as a multiple of the decoded pixels.

    .venv/bin/python bench/sanitize_memory.py

Each case runs in a fresh interpreter and reports its peak RSS (VmHWM of /proc/self/status,
Linux; ru_maxrss would carry the parent's peak across exec). Prints figures; asserts nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import sys
sys.path.insert(0, {root!r})
from portal.evidence.sanitize import ImageRejected, sanitize
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
path, run = sys.argv[1], sys.argv[2] == "1"
raw = open(path, "rb").read()
before = hwm()
outcome = "-"
if run:
    try:
        sanitize(raw, 64 * 1024 * 1024); outcome = "kept"
    except ImageRejected:
        outcome = "refused"
print(before, hwm(), outcome)
"""

CASES = {"jpeg-40mp": (7300, 5470), "png-rgba-12mp": (4000, 2990), "png-rgba-40mp": (6320, 6320)}


def make(kind: str, folder: Path) -> Path:
    """The case's input file, written once by this process (the children only read it)."""
    import io

    from PIL import Image

    sys.path.insert(0, str(ROOT))
    from tests.fakes import images

    width, height = CASES[kind]
    if kind.startswith("jpeg"):
        out = io.BytesIO()
        Image.new("RGB", (width, height), (90, 120, 60)).save(out, "JPEG", quality=80)
        data = out.getvalue()
    else:
        data = images.blank_png(width, height, fill=0x80)  # not zero: every page is written
    path = folder / kind
    path.write_bytes(data)
    return path


def peak(path: Path, run: bool) -> tuple[int, int, str]:
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), str(path), "1" if run else "0"],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1]), out[2]


def main() -> None:
    import tempfile

    print(f"{'case':16} {'outcome':8} {'extra peak MB':>14} {'extra / decoded RGBA':>22}")
    folder = Path(tempfile.mkdtemp())
    for kind, (width, height) in CASES.items():
        pixels = width * height
        path = make(kind, folder)
        _, floor_peak, _ = peak(path, run=False)
        _, run_peak, outcome = peak(path, run=True)
        path.unlink()
        extra_mb = max(0, run_peak - floor_peak) / 1024
        decoded_mb = pixels * 4 / 1024 / 1024
        print(f"{kind:16} {outcome:8} {extra_mb:14.0f} {extra_mb / decoded_mb:22.2f}")


if __name__ == "__main__":
    main()
