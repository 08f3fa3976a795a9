"""How much of a clustering survives a change of seed.

Several runs (seeds) of reduction + clustering are compared with the final partition:
- per cluster, the mean best-match Jaccard with the runs' clusters (1 = found identically each time);
- per row, the share of runs whose best-matching cluster contains the row (its confidence);
- overall, the mean pairwise ARI between runs.
The consensus partition is the *medoid* run: the one agreeing most (mean ARI) with all others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from sklearn.metrics import adjusted_rand_score

from .cluster import OUTLIER, n_groups

UNSTABLE_BELOW = 0.6  # mean best-match Jaccard under which a cluster is flagged to the analyst


@dataclass
class Stability:
    n_runs: int
    seeds: list[int]
    mean_pairwise_ari: float
    cluster_stability: dict[int, float]
    row_confidence: np.ndarray
    threshold: float = UNSTABLE_BELOW
    unstable: list[int] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "n_runs": self.n_runs,
            "seeds": self.seeds,
            "mean_pairwise_ari": round(self.mean_pairwise_ari, 4),
            "unstable_threshold": self.threshold,
            "unstable_clusters": self.unstable,
            "cluster_stability": {str(k): round(v, 4) for k, v in self.cluster_stability.items()},
        }


def pairwise_ari(runs: list[np.ndarray]) -> np.ndarray:
    n = len(runs)
    m = np.eye(n)
    for i, j in combinations(range(n), 2):
        m[i, j] = m[j, i] = adjusted_rand_score(runs[i], runs[j])
    return m


def medoid(runs: list[np.ndarray]) -> int:
    """Index of the run with the highest mean ARI to the others (first on ties), among the runs that found at least
    the median number of clusters of all runs.

    Why the median: HDBSCAN's selection sometimes keeps a coarse split in a run (NAF's 732 activity titles: 8, 6,
    10, 3 and 3 clusters in five runs). Two such runs are often identical, and their agreement alone made one of
    them the medoid (3 groups for 21 sections, ARI 0.09); a minority of collapsed runs no longer decides.
    """
    if len(runs) == 1:
        return 0
    m = pairwise_ari(runs)
    mean = (m.sum(1) - 1) / (len(runs) - 1)
    counts = np.array([n_groups(r) for r in runs])
    mean[counts < np.median(counts)] = -np.inf
    return int(np.argmax(mean))


def assess(final: np.ndarray, runs: list[np.ndarray], seeds: list[int], threshold: float = UNSTABLE_BELOW) -> Stability:
    clusters = sorted(set(final.tolist()) - {OUTLIER})
    confidence = np.zeros(len(final), dtype=np.float32)
    scores: dict[int, list[float]] = {c: [] for c in clusters}
    for run in runs:
        outl = final == OUTLIER
        confidence[outl] += run[outl] == OUTLIER
        run_clusters = {int(b): run == b for b in set(run.tolist()) - {OUTLIER}}
        for c in clusters:
            a = final == c
            best, best_mask = 0.0, None
            for mask in run_clusters.values():
                inter = np.count_nonzero(a & mask)
                if inter:
                    jac = inter / np.count_nonzero(a | mask)
                    if jac > best:
                        best, best_mask = jac, mask
            scores[c].append(best)
            if best_mask is not None:
                confidence[a & best_mask] += 1
    confidence /= max(len(runs), 1)
    per_cluster = {c: float(np.mean(v)) for c, v in scores.items()}
    m = pairwise_ari(runs)
    mean_ari = float(m[np.triu_indices(len(runs), 1)].mean()) if len(runs) > 1 else 1.0
    return Stability(
        len(runs),
        list(seeds),
        mean_ari,
        per_cluster,
        confidence,
        threshold,
        [c for c, v in per_cluster.items() if v < threshold],
    )
