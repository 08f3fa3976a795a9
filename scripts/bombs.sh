#!/usr/bin/env bash
# Run each bomb class of issue 35 through `flaucluster cluster` under a memory limit (ulimit -v) and show the
# one-line refusal and the exit status of each. Usage: scripts/bombs.sh [LIMIT_MB]  (default 3072)
# Uses the project's .venv (make install), or PYTHON=...; writes only to a temporary folder.
set -u
LIMIT_MB=${1:-3072}
HERE=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PYTHON:-}" ]; then  # the project's venv (make install), else the python on the path
  if [ -x "$HERE/.venv/bin/python" ]; then PYTHON="$HERE/.venv/bin/python"; else PYTHON=python; fi
fi
CLI='from flaucluster.cli import main; raise SystemExit(main())'
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

"$PYTHON" - "$WORK" <<'PY'
import gzip, io, sys, zipfile
from pathlib import Path

import openpyxl

work = Path(sys.argv[1])
member = gzip.compress(b"text\n" + b"0" * (10**6 - 5), compresslevel=9)
(work / "zeros.csv.gz").write_bytes(member * 6000)  # 6 GB of zeros in about 6 MB
book = openpyxl.Workbook()
book.active["A1"] = "text"
book.active["XFD1048576"] = "loin"
book.save(work / "far.xlsx")
plain = io.BytesIO()
book = openpyxl.Workbook()
book.active["A1"] = "text"
book.save(plain)
with zipfile.ZipFile(plain) as src, zipfile.ZipFile(work / "strings.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
    for item in src.infolist():
        out.writestr(item, src.read(item))
    out.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * (3 * 10**9) + b"</sst>")
(work / "big_cell.csv").write_text("text\n" + "a" * 50_000_000 + "\n", encoding="utf-8")
(work / "ok.csv").write_text("text\nbonjour\n", encoding="utf-8")
PY
mkfifo "$WORK/pipe.csv"

show() {  # a name, then a flaucluster command line, run under the memory limit
    local name=$1 rc
    shift
    (ulimit -v $((LIMIT_MB * 1024)) && exec timeout 120 "$PYTHON" -c "$CLI" "$@") >"$WORK/out.txt" 2>"$WORK/err"
    rc=$?
    printf '%-30s exit %s  %s\n' "$name" "$rc" \
        "$(grep -v '^WARNING\|^INFO' "$WORK/err" | tail -n 1)$( ((rc == 0)) && head -n 1 "$WORK/out.txt")"
}

run() {  # a name, then the arguments of `flaucluster cluster`
    local name=$1
    shift
    show "$name" cluster "$@" --text-column text --model usem3 --out "$WORK/out"
}

echo "each bomb under ulimit -v ${LIMIT_MB} MB:"
run "gzip bomb (6 GB of zeros)" "$WORK/zeros.csv.gz"
run "gzip bomb, --max-input-bytes" "$WORK/zeros.csv.gz" --max-input-bytes 100MB
run "XLSX cell XFD1048576" "$WORK/far.xlsx"
run "XLSX shared strings 3 GB" "$WORK/strings.xlsx"
run "/dev/zero" /dev/zero
run "a FIFO" "$WORK/pipe.csv"
run "--themes /dev/zero" "$WORK/ok.csv" --themes /dev/zero
run "a 50 MB cell" "$WORK/big_cell.csv" --max-cell-chars 1000000

# a model folder whose arrays.npz says its embeddings are 2 TiB, with a manifest that matches the forgery
"$PYTHON" -c "$CLI" cluster "$WORK/ok.csv" --text-column text --model usem3 --out "$WORK/run" >/dev/null 2>&1
"$PYTHON" - "$WORK/run/model" <<'PY'
import io, sys, zipfile
from pathlib import Path

import numpy as np

from flaucluster.runfolder import write_manifest

folder = Path(sys.argv[1])
with np.load(folder / "arrays.npz") as z:
    arrays = {k: z[k] for k in z.files}
header = io.BytesIO()
np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": (2**30, 512)})
with zipfile.ZipFile(folder / "arrays.npz", "w") as zf:
    for name, value in arrays.items():
        member = io.BytesIO()
        np.lib.format.write_array(member, value, allow_pickle=False)
        zf.writestr(f"{name}.npy", header.getvalue() + b"\0" * 16 if name == "embeddings" else member.getvalue())
write_manifest(folder, "model")
PY
show "model: .npz header of 2 TiB" report "$WORK/run/model" --out "$WORK/report"
