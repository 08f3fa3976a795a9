"""Time (and file size) to draw the cluster map and the other figures for 100,000 points, as PNG and SVG.

    python benchmarks/bench_plots.py [--rows 100000]
Writes benchmarks/results/plots.{json,md}. Baseline: the usual notebook recipe, one scatter call per
cluster, no rasterisation and no cluster names, in the same run.
"""

from __future__ import annotations

import argparse
import io
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from flaucluster import plots

from common import machine, write_results


def naive_map(coords, labels):
    fig, ax = plt.subplots(figsize=(11, 8))
    for c in np.unique(labels):
        m = labels == c
        ax.scatter(coords[m, 0], coords[m, 1], s=2)
    return fig


def timed(make, fmt: str = "png") -> tuple[float, int]:
    """(seconds to draw and save, bytes written)."""
    start = time.perf_counter()
    fig = make()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=110)
    plt.close(fig)
    return time.perf_counter() - start, buf.tell()


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
    info = pd.DataFrame(
        {
            "cluster": range(k),
            "size": np.bincount(labels[labels >= 0], minlength=k),
            "name": [names[c] for c in range(k)],
            "keywords": [[f"mot-clé {i}" for i in range(10)]] * k,
            "keyword_weights": [list(np.linspace(1, 0.1, 10))] * k,
        }
    )
    rows = {
        "cluster_map (flaucluster, rasterised points, names)": lambda: plots.cluster_map(coords, labels, names),
        "one scatter per cluster (baseline)": lambda: naive_map(coords, labels),
        "cluster_sizes": lambda: plots.cluster_sizes(info),
        "top_keywords": lambda: plots.top_keywords(info),
    }
    measured = {
        name: {fmt: timed(make, fmt) for fmt in (("png", "svg") if "map" in name or "scatter" in name else ("png",))}
        for name, make in rows.items()
    }
    result = {
        "machine": machine(),
        "rows": args.rows,
        "figures": {n: {f: {"seconds": t, "bytes": b} for f, (t, b) in m.items()} for n, m in measured.items()},
    }
    lines = [
        f"# Figures for {args.rows:,} points",
        "",
        f"Machine: {result['machine']['cpu']}; {result['machine']['date']}.",
        "",
        "| figure | PNG s | PNG MB | SVG s | SVG MB |",
        "|---|---|---|---|---|",
    ]
    for name, m in measured.items():
        svg = m.get("svg")
        lines.append(
            f"| {name} | {m['png'][0]:.2f} | {m['png'][1] / 1e6:.2f} | "
            f"{f'{svg[0]:.2f}' if svg else '–'} | {f'{svg[1] / 1e6:.1f}' if svg else '–'} |"
        )
    lines += [
        "",
        "PNG: the baseline is quicker (it draws no names). SVG: rasterised points keep the file small and "
        "the export quick; the baseline writes every point as a vector path.",
    ]
    md = "\n".join(lines) + "\n"
    write_results("plots", result, md)


if __name__ == "__main__":
    main()
