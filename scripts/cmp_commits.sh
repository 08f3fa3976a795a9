#!/usr/bin/env bash
# The main job's assignments at every commit since BASE, each compared with BASE's byte for byte:
#   bash scripts/cmp_commits.sh BASE [COLUMNS]
# Each commit is checked out in a temporary worktree and run offline with the project's .venv (make install).
# With COLUMNS (e.g. "id,cluster,cluster_original"), only those columns are compared (for commits that change
# names on purpose, such as a word-list change).
set -euo pipefail
base=${1:?give the base commit}
columns=${2:-}
root=$(git rev-parse --show-toplevel)
py="$root/.venv/bin/python"
work=$(mktemp -d)
trap 'git -C "$root" worktree prune; rm -rf "$work"' EXIT
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 FLAUCLUSTER_CACHE_DIR="$root/.flaucluster-cache"

run_at() {  # commit -> its assignments.csv (only the chosen columns when COLUMNS is given)
  local tree="$work/tree-$1"
  git -C "$root" worktree add -q --detach "$tree" "$1"
  (cd "$tree" && PYTHONPATH="$tree" "$py" -c "from flaucluster.cli import main; raise SystemExit(main())" cluster \
    data/cours_fr.csv --text-column title --text-column description --id-column id --truth-column theme \
    --out "$work/out-$1" >/dev/null 2>&1)
  git -C "$root" worktree remove --force "$tree"
  if [ -n "$columns" ]; then
    "$py" -c "import pandas as p,sys; p.read_csv(sys.argv[1],dtype=str,keep_default_na=False)[sys.argv[2].split(',')].to_csv(sys.argv[3],index=False)" \
      "$work/out-$1/assignments.csv" "$columns" "$work/$1.csv"
  else
    cp "$work/out-$1/assignments.csv" "$work/$1.csv"
  fi
}

run_at "$base"
status=0
for commit in $(git -C "$root" rev-list --reverse --first-parent "$base"..HEAD); do
  run_at "$commit"
  if cmp -s "$work/$base.csv" "$work/$commit.csv"; then
    echo "same   $(git -C "$root" log -1 --format='%h %s' "$commit" | cut -c1-100)"
  else
    echo "DIFFER $(git -C "$root" log -1 --format='%h %s' "$commit" | cut -c1-100)"
    status=1
  fi
done
exit $status
