#!/usr/bin/env bash
# Run each bomb class of issue 35 through `flaucluster cluster` under a memory limit (ulimit -v) and show the
# one-line refusal and the exit status of each. Usage: scripts/bombs.sh [LIMIT_MB]  (default 3072)
# Needs flaucluster on the path (or PYTHON=.venv/bin/python); writes only to a temporary folder.
set -u
LIMIT_MB=${1:-3072}
PYTHON=${PYTHON:-python}
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

run() {  # a name, then the arguments of `flaucluster cluster`
    local name=$1 rc
    shift
    (ulimit -v $((LIMIT_MB * 1024)) && exec timeout 120 "$PYTHON" -c "$CLI" cluster "$@" \
        --text-column text --model usem3 --out "$WORK/out") >/dev/null 2>"$WORK/err"
    rc=$?
    printf '%-30s exit %s  %s\n' "$name" "$rc" "$(grep -v '^WARNING\|^INFO' "$WORK/err" | tail -n 3)"
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
