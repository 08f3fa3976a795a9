"""The interactive map at 10k–100k rows: flaucluster's map.html against a self-contained Plotly WebGL
scatter, same rows, same run, in headless Chromium (Debian's, driven by Playwright).

- flaucluster: ``flaucluster.report.map.render_page``, the page every run writes (canvas 2-D).
- Plotly (the baseline): ``plotly.express.scatter(render_mode="webgl")`` written with
  ``include_plotlyjs=True`` (its own way to open offline), one trace per cluster, the same id and
  text (cut to the same length) in the hover. Headless Chromium here offers WebGL (the page records
  whether it had it).
- datamapplot cannot be the baseline on this machine: its HTML loads deck.gl and fonts from CDNs,
  and its offline mode needs a cache downloaded first.

Rows: the grown corpus of ``bench_cluster.py`` (real course texts: their length sets the file size).
Clusters: the corpus themes cut into ~100 groups; coordinates: one Gaussian blob per group. The
page's cost depends on the rows, their texts and the groups, not on how the layout was computed, so
no embedding is needed.

Measured, median of ``--rounds`` (alternating which page opens first):
- file size;
- first paint: navigation start -> the map drawn (our page: ``data-ready``; Plotly: the promise of
  ``newPlot`` resolved), plus one animation frame;
- search: a query typed -> the matching rows counted and highlighted, plus one frame. Plotly has no
  search box: the same search runs over its customdata and highlights by ``Plotly.restyle`` of the
  marker opacity, the usual way to do it. The first search (typed ``LOOK_S`` after the first paint;
  ours folds the texts for search in idle time after painting, Plotly's folds them at the first
  search) and the median of four further queries are reported.

Writes benchmarks/results/map.{json,md}.

    python benchmarks/bench_map.py [--sizes 10000 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from bench_cluster import grow_corpus

from common import machine, write_results

QUERIES = ["excel", "sécurité", "gestion de projet", "anglais", "cuisine"]
CHROMIUM_ARGS = ["--no-sandbox"]  # headless Chromium here has WebGL (SwiftShader) without any flag
LOOK_S = 1.0  # a person looks at the map before typing: the first query comes this long after the first paint


def rows(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    texts, themes = grow_corpus(n, seed)
    rng = np.random.default_rng(seed)
    names = sorted(set(themes))
    groups = 100
    cluster = np.array([names.index(t) * (groups // len(names)) for t in themes]) + rng.integers(
        0, groups // len(names), n
    )
    cluster[rng.random(n) < 0.1] = -1  # a tenth unassigned, as HDBSCAN leaves them
    centres = rng.uniform(0, 30, size=(cluster.max() + 1, 2))
    coords = np.where(cluster[:, None] >= 0, centres[np.maximum(cluster, 0)], rng.uniform(0, 30, (n, 2)))
    coords = coords + rng.normal(0, 0.6, (n, 2))
    docs = pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(n)],
            "text": texts,
            "cluster": cluster,
            "probability": rng.uniform(0.5, 1, n).round(3),
            "status": "ok",
            "row": np.arange(1, n + 1),
        }
    )
    ids = sorted(set(cluster.tolist()) - {-1})
    topics = pd.DataFrame(
        {
            "cluster": ids,
            "size": [int((cluster == c).sum()) for c in ids],
            "name": [f"{names[c // (groups // len(names))]} · {c}" for c in ids],
            "keywords": [["mot", "clé"] for _ in ids],
        }
    )
    return docs, topics, coords


def plotly_page(docs: pd.DataFrame, coords: np.ndarray, names: dict[int, str]) -> str:
    import plotly.express as px

    from flaucluster.report.map import text_limit

    limit = text_limit(len(docs))
    frame = docs.assign(
        x=coords[:, 0],
        y=coords[:, 1],
        groupe=[names.get(int(c), "(hors groupe)") for c in docs["cluster"]],
        texte=[t if len(t) <= limit else t[: limit - 1] + "…" for t in docs["text"]],
    )
    fig = px.scatter(
        frame, x="x", y="y", color="groupe", hover_data=["id", "texte", "probability"], render_mode="webgl"
    )
    fig.update_traces(marker={"size": 3})
    return fig.to_html(include_plotlyjs=True, full_html=True, post_script="window.__plotted = 1;")


OURS_SEARCH = """async (q) => {
  const box = document.querySelector('input[type=search]');
  const t0 = performance.now();
  box.value = q; box.dispatchEvent(new Event('input'));
  await new Promise(r => requestAnimationFrame(() => r()));
  return [performance.now() - t0, document.querySelector('[data-testid=match-count]').textContent];
}"""

PLOTLY_SEARCH = """async (q) => {
  const gd = document.querySelector('.js-plotly-plot');
  const fold = s => String(s).toLowerCase().normalize('NFD').replace(/[\\u0300-\\u036f]/g, '');
  const t0 = performance.now();
  if (!window.__folded) window.__folded = gd.data.map(tr => tr.customdata.map(c => fold(c[0] + '\\u0000' + c[1])));
  const want = fold(q);
  let found = 0;
  const opacity = window.__folded.map(tr => tr.map(t => { const m = t.includes(want); found += m; return m ? 1 : 0.1; }));
  await Plotly.restyle(gd, {'marker.opacity': opacity});
  await new Promise(r => requestAnimationFrame(() => r()));
  return [performance.now() - t0, String(found)];
}"""


def measure(browser, path: Path, kind: str) -> dict:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="commit", timeout=120_000)
    if kind == "flaucluster":
        page.wait_for_selector("[data-ready='1']", timeout=120_000)
    else:
        page.wait_for_function("window.__plotted === 1", timeout=120_000)
    paint = page.evaluate("new Promise(r => requestAnimationFrame(() => r(performance.now())))")
    webgl = page.evaluate("!!document.createElement('canvas').getContext('webgl')")
    page.wait_for_timeout(LOOK_S * 1000)
    script = OURS_SEARCH if kind == "flaucluster" else PLOTLY_SEARCH
    searches = [page.evaluate(script, q) for q in QUERIES]
    page.close()
    return {
        "first_paint_s": paint / 1000,
        "first_search_ms": searches[0][0],
        "search_ms": statistics.median(s[0] for s in searches[1:]),
        "matches": [s[1] for s in searches],
        "webgl": webgl,
        "errors": errors,
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    from flaucluster.report.map import render_page

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("install Debian's chromium (apt-get install chromium)")
    results = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for n in args.sizes:
            docs, topics, coords = rows(n)
            pages = {
                "flaucluster": Path(tmp) / f"map-{n}.html",
                "plotly": Path(tmp) / f"plotly-{n}.html",
            }
            pages["flaucluster"].write_text(
                render_page(docs, topics, coords, next_cluster=int(topics["cluster"].max()) + 1), encoding="utf-8"
            )
            names = dict(zip(topics["cluster"], topics["name"]))
            pages["plotly"].write_text(plotly_page(docs, coords, names), encoding="utf-8")
            runs: dict[str, list[dict]] = {k: [] for k in pages}
            for r in range(args.rounds):
                for kind in list(pages)[:: 1 if r % 2 == 0 else -1]:
                    runs[kind].append(measure(browser, pages[kind], kind))
            entry = {"rows": n}
            for kind, measured in runs.items():
                entry[kind] = {
                    "file_mb": pages[kind].stat().st_size / 2**20,
                    **{
                        k: statistics.median(m[k] for m in measured)
                        for k in ("first_paint_s", "first_search_ms", "search_ms")
                    },
                    "matches": measured[0]["matches"],
                    "webgl": measured[0]["webgl"],
                    "errors": sorted({e for m in measured for e in m["errors"]}),
                }
            results.append(entry)
            print(entry)
        browser.close()
    write_results(
        "map",
        {"machine": machine(), "queries": QUERIES, "rounds": args.rounds, "results": results},
        markdown(results, args.rounds),
    )


def markdown(results: list[dict], rounds: int) -> str:
    lines = [
        "# The interactive map: flaucluster's map.html vs a self-contained Plotly WebGL page",
        "",
        f"`python benchmarks/bench_map.py` — headless Chromium (Debian) via Playwright, median of {rounds} rounds; "
        "ratios are flaucluster / Plotly (lower is better). Search: the first query (typed "
        f"{LOOK_S:.0f} s after the first paint), then the median of four others. Rows: real course texts of the "
        "grown corpus; clusters and coordinates synthetic (see the script's docstring).",
        "",
        "| rows | file MB (ratio) | first paint s (ratio) | first search ms (ratio) | search ms (ratio) |",
        "|---|---|---|---|---|",
    ]
    for e in results:
        f, b = e["flaucluster"], e["plotly"]
        cells = [
            f"{f[k]:.{d}f} vs {b[k]:.{d}f} ({f[k] / b[k]:.2f}×)"
            for k, d in (("file_mb", 1), ("first_paint_s", 2), ("first_search_ms", 0), ("search_ms", 0))
        ]
        lines.append(f"| {e['rows']:,} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Targets (issue 17, at 100k rows): file ≤ 25 MB, first paint ≤ 3 s, search ≤ 200 ms.",
        "Matches found by both pages for the same queries: "
        + "; ".join(f"{e['rows']:,}: {e['flaucluster']['matches']} / {e['plotly']['matches']}" for e in results),
        "",
        "Page errors: "
        + (
            "; ".join(f"{k}: {e[k]['errors']}" for e in results for k in ("flaucluster", "plotly") if e[k]["errors"])
            or "none"
        ),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
