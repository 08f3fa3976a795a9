"""The estimator's size, as issue 34 counts it: python scripts/api_counts.py

Parameters of ``TopicModel.__init__``, public names defined on the class, lines of ``flaucluster/model.py``,
and the ``hasattr`` probes that ask whether vectors live on a Dask cluster.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def counts() -> dict[str, int]:
    from flaucluster.model import TopicModel

    package = ROOT / "flaucluster"
    probes = sum(
        len(
            re.findall(
                r"hasattr\((?:vectors|embeddings|value), \"(?:vector_keys|knn_rows|cluster_sums|best_rows|row_blocks)\"",
                p.read_text(encoding="utf-8"),
            )
        )
        for p in package.rglob("*.py")
    )
    return {
        "parameters": len(inspect.signature(TopicModel.__init__).parameters) - 1,
        "public_names": len([n for n in vars(TopicModel) if not n.startswith("_")]),
        "model_py_lines": len((package / "model.py").read_text(encoding="utf-8").splitlines()),
        "hasattr_probes_of_vectors": probes,
    }


if __name__ == "__main__":
    print(json.dumps(counts(), indent=2))
