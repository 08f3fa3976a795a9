#!/usr/bin/env bash
# The package as a user gets it: build the sdist and the wheel, check them with twine, install the wheel
# into an empty venv (torch pinned first: a bare torch requirement pulls a multi-GB CUDA build), then run
# the main job from outside the source tree, offline, and check the run folder.  `make wheel-check`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN="${BIN:-.venv/bin}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

rm -rf dist build ./*.egg-info
"$BIN/pip" install --quiet build twine
"$BIN/python" -m build --sdist --wheel --outdir dist . >/dev/null
"$BIN/twine" check --strict dist/*
wheel=$(ls dist/flaucluster-*.whl)

# what the wheel must hold besides code: the report templates, the map's script and styles, the word lists
"$BIN/python" - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["flaucluster/report/templates/report.html.j2", "flaucluster/report/templates/map.html.j2",
        "flaucluster/report/templates/summary.md.j2", "flaucluster/report/static/map.js",
        "flaucluster/report/static/map.css"]
# and the French word lists with their licences, every file of the source tree's flaucluster/data/fr/
need += sorted(f"flaucluster/data/fr/{p.name}" for p in __import__("pathlib").Path("flaucluster/data/fr").iterdir())
missing = [n for n in need if n not in names]
assert not missing, f"the wheel lacks {missing}"
assert not any(n.startswith(("tests/", "benchmarks/", "data/")) for n in names), "the wheel holds test or data files"
print(f"wheel: {len(names)} files, package data present")
PY

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --upgrade pip
"$work/venv/bin/pip" install --quiet torch==2.13.0
"$work/venv/bin/pip" install --quiet "$wheel"
cd "$work"  # away from the source tree: the installed package, not ./flaucluster
"$work/venv/bin/flaucluster" --version
"$work/venv/bin/python" -c "import flaucluster, sys; assert sys.prefix in flaucluster.__file__, flaucluster.__file__"
FLAUCLUSTER_CACHE_DIR="$work/cache" "$work/venv/bin/flaucluster" cluster "$ROOT/data/cours_fr.csv" \
    --text-column title --text-column description --id-column id --out "$work/run" >/dev/null
for f in assignments.csv assignments.parquet topics.json clusters.xlsx summary.md report.html map.html manifest.json; do
    test -s "$work/run/$f" || { echo "the installed wheel's run lacks $f"; exit 1; }
done
echo "wheel smoke test: the installed wheel ran the main job offline into a complete run folder"
