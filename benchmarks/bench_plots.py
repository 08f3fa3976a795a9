"""Time to draw the cluster map and the other figures for 100,000 points (rasterised scatter).

    python benchmarks/bench_plots.py [--rows 100000]
Writes benchmarks/results/plots.{json,md}. Baseline: the same map drawn with one scatter call per
cluster and no rasterisation (the usual notebook recipe), in the same run.
"""
from __future__ import annotations

import argparse
import io
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from common import machine, write_results  # noqa: E402
from flaucluster import plots  # noqa: E402


def naive_map(coords, labels):
    fig, ax = plt.subplots(figsize=(11, 8))
    for c in np.unique(labels):
        m = labels == c
        ax.scatter(coords[m, 0], coords[m, 1], s=2)
    return fig


def timed_png(make) -> float:
    start = time.perf_counter()
    fig = make()
    fig.savefig(io.BytesIO(), format="png", dpi=110)
    plt.close(fig)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    k = 40
    centers = rng.normal(scale=10, size=(k, 2))
    labels = rng.integers(-1, k, size=args.rows)
    coords = centers[np.maximum(labels, 0)] + rng.normal(size=(args.rows, 2))
    names = {c: f"groupe thématique n°{c} · éducation" for c in range(k)}
    info = pd.DataFrame({"cluster": range(k), "size": np.bincount(labels[labels >= 0], minlength=k),
                         "name": [names[c] for c in range(k)],
                         "keywords": [[f"mot-clé {i}" for i in range(10)]] * k,
                         "keyword_weights": [list(np.linspace(1, 0.1, 10))] * k})
    ours = timed_png(lambda: plots.cluster_map(coords, labels, names))
    naive = timed_png(lambda: naive_map(coords, labels))
    others = {"sizes": timed_png(lambda: plots.cluster_sizes(info)),
              "keywords": timed_png(lambda: plots.top_keywords(info))}
    result = {"machine": machine(), "rows": args.rows, "map_seconds": ours, "naive_map_seconds": naive,
              "ratio": naive / ours, "other_figures_seconds": others}
    md = (f"# Figures for {args.rows:,} points\n\nMachine: {result['machine']['cpu']}; {result['machine']['date']}.\n\n"
          f"| figure | seconds (draw + PNG) |\n|---|---|\n| cluster_map (flaucluster, rasterised) | {ours:.2f} |\n"
          f"| map with one scatter per cluster (baseline) | {naive:.2f} |\n"
          f"| cluster_sizes | {others['sizes']:.2f} |\n| top_keywords | {others['keywords']:.2f} |\n\n"
          f"Baseline / flaucluster: {naive / ours:.2f}×.\n")
    write_results("plots", result, md)


if __name__ == "__main__":
    main()
