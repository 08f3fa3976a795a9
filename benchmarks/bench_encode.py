"""Encode throughput: stock sentence-transformers vs flaucluster on a FlauBERT-base-shaped model.

Both run in the same process, on the same folder, the same texts and the same ``--batch-size``, in
alternating rounds (so load from other processes hits both alike); the median round is reported.

* The model: a temporary sentence-transformers folder shaped like ``inokufu/bertheo``
  (FlauBERT base: 12 layers, 768 dims, 12 heads; real FlauBERT tokenizer from
  ../shared/models/bertheo-shaped-tiny; random weights, seeded). Nothing is downloaded.
* Stock: ``SentenceTransformer('inokufu/bertheo')`` crashes on sentence-transformers 6 (its
  ``do_lower_case`` pokes a ``basic_tokenizer`` FlaubertTokenizer lacks), so stock is built the
  documented stock way: ``Transformer(path, max_seq_length=512, do_lower_case=False)`` +
  ``Pooling(768, "mean")`` -> ``SentenceTransformer(modules=...)``, fed texts already stripped
  and lowercased (what the card's ``do_lower_case`` asks for). Its defaults otherwise (fp32).
* flaucluster: ``TransformerFolderEncoder(folder, device=...)`` with its defaults (fp16 on CUDA).
  The fast tokenizer's word memo is emptied before every timed call, so no run profits from an
  earlier one. On CPU also ``precision="int8"`` (linear layers quantized to int8), an opt-in whose
  vectors are compared with stock's too.
* Bounds: the model's biggest matmul alone, and on CPU the cores' float32 FMA peak (fma_peak.c, compiled
  with the system C compiler where there is one): how fast any encoder of these FLOPs could be here.
* Texts: unique STS-fr sentences (test split first, then dev, train), and 5-sentence paragraphs
  made by joining consecutive ones.

Writes benchmarks/results/bench_encode_<device>.{json,md} (or ``--out PREFIX``.{json,md}). The files
record ``git describe --dirty``, or ``$FLAUCLUSTER_COMMIT`` where set (a copied tree without its git).

    python benchmarks/bench_encode.py [--device cpu|cuda] [--n-short N] [--n-paragraphs N]
                                      [--batch-size 32] [--repeats R] [--out PREFIX]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TINY = SHARED / "models" / "bertheo-shaped-tiny"
STS = SHARED / "stsb-fr"
sys.path.insert(0, str(ROOT))

DEFAULTS = {
    "cpu": {"n_short": 1000, "n_paragraphs": 150, "repeats": 3},
    "cuda": {"n_short": 15000, "n_paragraphs": 3000, "repeats": 5},
}
TARGETS = {"cpu": 2.0, "cuda": 20.0}  # the goals: >= 2x stock on 2 CPU cores, >= 20x on an H100


def build_base_folder(dest: Path, seed: int = 0) -> Path:
    """bertheo-shaped-tiny's tokenizer and ST config, with FlauBERT-base dimensions and random weights."""
    import torch
    from transformers import FlaubertConfig, FlaubertModel

    shutil.copytree(TINY, dest, ignore=shutil.ignore_patterns("*.bin", "*.safetensors", ".cache"))
    config = json.loads((TINY / "config.json").read_text())
    config.update(emb_dim=768, n_layers=12, n_heads=12)
    (dest / "config.json").write_text(json.dumps(config, indent=2))
    pooling = json.loads((TINY / "1_Pooling" / "config.json").read_text())
    pooling["word_embedding_dimension"] = 768
    (dest / "1_Pooling" / "config.json").write_text(json.dumps(pooling, indent=2))
    torch.manual_seed(seed)
    FlaubertModel(FlaubertConfig.from_pretrained(dest)).eval().save_pretrained(dest)
    return dest


def load_texts(n_short: int, n_paragraphs: int, n_warmup: int) -> tuple[list[str], list[str], list[str], dict]:
    """(short, paragraphs, warm-up texts, notes). Sentences are unique, in file order (test, dev, train)."""
    pool: dict[str, None] = {}
    for split in ("test", "dev", "train"):
        path = STS / f"stsb-fr-{split}.csv"
        if path.is_file():
            with open(path, encoding="utf-8", newline="") as fh:
                for row in csv.reader(fh):
                    pool.update(dict.fromkeys(s.strip() for s in row[:2] if s.strip()))
    sentences = list(pool)
    if not sentences:
        raise SystemExit(f"no STS-fr sentences under {STS}")
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences) - 4, 5)]
    notes = {"unique_sentences": len(sentences), "unique_paragraphs": len(paragraphs)}
    warmup = sentences[-n_warmup:] + paragraphs[-max(n_warmup // 16, 4) :]  # from the far end of the pool
    short, para = _take(sentences, n_short), _take(paragraphs, n_paragraphs)
    notes["short_repeated"] = n_short > len(sentences)
    notes["paragraphs_repeated"] = n_paragraphs > len(paragraphs)
    return short, para, warmup, notes


def _take(items: list[str], n: int) -> list[str]:
    if n > len(items):
        print(f"note: {n} texts asked for, {len(items)} unique: the list is repeated", file=sys.stderr)
    return [items[i % len(items)] for i in range(n)]


def stock_model(folder: Path, device: str, half: bool):
    import torch

    try:
        from sentence_transformers import SentenceTransformer
        from sentence_transformers.base.modules import Transformer
        from sentence_transformers.sentence_transformer.modules import Pooling
    except ImportError:  # older layout
        from sentence_transformers import SentenceTransformer
        from sentence_transformers.models import Pooling, Transformer

    kwargs = {"model_kwargs": {"dtype": torch.float16}} if half else {}
    word = Transformer(str(folder), max_seq_length=512, do_lower_case=False, **kwargs)
    return SentenceTransformer(modules=[word, Pooling(768, "mean")], device=device)


def cpuinfo() -> dict[str, str]:
    """The first CPU's fields in /proc/cpuinfo ({} where there is none)."""
    info: dict[str, str] = {}
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
    return info


def machine(device: str) -> dict:
    """The shared machine description (benchmarks/common.py) plus the CPU's SIMD flags and torch's threads."""
    import torch

    from common import machine as base_machine

    out = base_machine()
    info = cpuinfo()
    if info:
        flags = set(info.get("flags", "").split())
        out["cpu_details"] = {
            "vendor": info.get("vendor_id"),
            "family": info.get("cpu family"),
            "model": info.get("model"),
            "simd": [f for f in ("avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16") if f in flags],
        }
    for name in ("tokenizers", "sacremoses"):
        try:
            out["versions"][name] = version(name)
        except PackageNotFoundError:
            out["versions"][name] = None
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    out.update(
        platform=platform.platform(),
        usable_cores=affinity,
        torch_threads=torch.get_num_threads(),
        torch_interop_threads=torch.get_num_interop_threads(),
        device=device,
    )
    if device == "cuda":
        out["gpu"] = torch.cuda.get_device_name(0)
        out["cuda"] = torch.version.cuda
    # A copied tree (e.g. on a lent GPU machine) may carry stale or no git metadata: the caller names the commit.
    commit = os.environ.get("FLAUCLUSTER_COMMIT")
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        commit = (
            commit
            or subprocess.run(
                ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, check=True
            ).stdout.strip()
        )
    if commit:
        out["flaucluster_commit"] = commit
    return out


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
QUIET = 0.25  # a run is "quiet" when other processes used less than this many cores meanwhile


def cpu_snapshot() -> tuple[float, float, float]:
    """(busy CPU seconds of the whole machine, CPU seconds of this process and its live children
    (flaucluster's tokenizer processes are its own work, not contention), wall clock)."""
    busy = float("nan")
    if Path("/proc/stat").exists():
        ticks = list(map(int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]))
        busy = (sum(ticks) - ticks[3] - ticks[4]) / CLOCK_TICKS  # all but idle and iowait; steal counts
    own = os.times()
    return busy, own.user + own.system + children_cpu_seconds(), time.perf_counter()


def children_cpu_seconds() -> float:
    """user + system CPU seconds of this process's running children, from /proc/<pid>/stat."""
    total, me = 0, str(os.getpid())
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if fields[1] == me:  # fields[0] is the state, [1] the parent pid, [11] utime, [12] stime
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def timed(fn, sync):
    """(seconds, result, cores used by other processes meanwhile): contention is measured, not guessed."""
    sync()
    before = cpu_snapshot()
    result = fn()
    sync()
    after = cpu_snapshot()
    wall = after[2] - before[2]
    foreign = ((after[0] - before[0]) - (after[1] - before[1])) / wall
    return wall, result, foreign


def flops_per_token(length, dim: int = 768, layers: int = 12) -> np.ndarray:
    """Forward FLOPs per token of FlauBERT base in a text of ``length`` tokens (projections, FFN, attention)."""
    dense = 2 * (4 * dim * dim + 2 * dim * 4 * dim)
    return layers * (dense + 4 * np.asarray(length, dtype=np.float64) * dim)


def gemm_gflops(device: str, dtype, rows: int = 1024, reps: int = 20) -> dict:
    """GFLOP/s of the model's biggest matmul (rows x 768 -> 3072, as in its FFN) alone, in its dtype."""
    import torch

    x = torch.randn(rows, 768, device=device, dtype=dtype)
    w = torch.randn(3072, 768, device=device, dtype=dtype)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    for _ in range(3):
        torch.nn.functional.linear(x, w)
    sync()
    start = time.perf_counter()
    for _ in range(reps):
        torch.nn.functional.linear(x, w)
    sync()
    return {
        "rows": rows,
        "dtype": str(dtype).split(".")[-1],
        "gflops": 2 * rows * 768 * 3072 * reps / (time.perf_counter() - start) / 1e9,
    }


def fma_peak_gflops(threads: int, tries: int = 3) -> float | None:
    """The CPU's float32 peak over ``threads`` cores, from benchmarks/fma_peak.c (chains of AVX2 FMAs),
    best of ``tries``; None where there is no C compiler or no AVX2/FMA. No fp32 encoder can run its
    FLOPs faster than this, whatever its GEMM library."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if not compiler or not {"avx2", "fma"} <= set(cpuinfo().get("flags", "").split()):
        return None
    with tempfile.TemporaryDirectory(prefix="fma-peak-") as tmp:
        exe = Path(tmp) / "fma_peak"
        try:
            subprocess.run(
                [
                    compiler,
                    "-O3",
                    "-mavx2",
                    "-mfma",
                    "-pthread",
                    str(ROOT / "benchmarks" / "fma_peak.c"),
                    "-o",
                    str(exe),
                ],
                check=True,
                capture_output=True,
            )
            return max(
                float(subprocess.run([str(exe), str(threads)], check=True, capture_output=True, text=True).stdout)
                for _ in range(tries)
            )
        except (OSError, ValueError, subprocess.CalledProcessError) as error:
            print(f"fma_peak: not measured ({error})", file=sys.stderr)
            return None


def _selected(rounds):
    """The rounds no other process disturbed, or all of them when there are none."""
    quiet = [r for r in rounds if r[1] < QUIET]
    return quiet or rounds


def compare(a: np.ndarray, b: np.ndarray) -> dict:
    from common import min_cosine

    return {"max_abs_diff": float(np.abs(a.astype(np.float64) - b).max()), "min_cosine": min_cosine(a, b)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--device", choices=["cpu", "cuda"], default=None, help="default: cuda when torch sees a GPU, else cpu"
    )
    parser.add_argument("--n-short", type=int, default=None, help="short sentences (cpu 1000, cuda 15000)")
    parser.add_argument("--n-paragraphs", type=int, default=None, help="5-sentence paragraphs (cpu 150, cuda 3000)")
    parser.add_argument("--batch-size", type=int, default=32, help="passed to both encoders (ST's default: 32)")
    parser.add_argument("--repeats", type=int, default=None, help="timed rounds per system (cpu 3, cuda 5)")
    parser.add_argument(
        "--stock-fp16", action="store_true", help="load the stock model in fp16 too (stock's default is fp32)"
    )
    parser.add_argument(
        "--skip-fixed-batches",
        action="store_true",
        help="skip the flaucluster variant with fixed batch_size-sentence batches",
    )
    parser.add_argument(
        "--skip-int8",
        action="store_true",
        help="CPU: skip flaucluster with precision='int8' (dynamic int8 linear layers)",
    )
    parser.add_argument("--out", default=None, help="output prefix (default benchmarks/results/bench_encode_<device>)")
    args = parser.parse_args()

    import torch

    from flaucluster.embed.transformer import TransformerFolderEncoder
    from flaucluster.machine import usable_cores as _usable_cores

    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: torch sees no CUDA GPU")
    defaults = DEFAULTS[device]
    n_short = args.n_short if args.n_short is not None else defaults["n_short"]
    n_para = args.n_paragraphs if args.n_paragraphs is not None else defaults["n_paragraphs"]
    repeats = args.repeats or defaults["repeats"]
    out_prefix = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / f"bench_encode_{device}"
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    load_start = os.getloadavg()
    started = time.perf_counter()

    # on CUDA the warm-up is big enough to start flaucluster's tokenizer processes, a one-time cost
    short, paragraphs, warmup, text_notes = load_texts(n_short, n_para, 4096 if device == "cuda" else 64)
    kinds = {"short": short, "paragraphs": paragraphs}
    with tempfile.TemporaryDirectory(prefix="bench-encode-") as tmp:
        folder = build_base_folder(Path(tmp) / "flaubert-base-shaped")
        stock = stock_model(folder, device, args.stock_fp16)
        ours = TransformerFolderEncoder(folder, device=device)
        int8 = device == "cpu" and not args.skip_int8
        ours_int8 = TransformerFolderEncoder(folder, device=device, precision="int8") if int8 else None
        bs = args.batch_size

        def run_stock(texts):
            lowered = [t.strip().lower() for t in texts]
            return stock.encode(lowered, batch_size=bs, convert_to_numpy=True, show_progress_bar=False)

        def run_ours(texts, encoder=ours):
            encoder.clear_tokenizer_cache()  # no help from an earlier call (tokenizer processes too)
            return encoder.encode(texts, batch_size=bs)

        def run_ours_fixed(texts):
            tokens, ours.batch_tokens = ours.batch_tokens, None
            try:
                return run_ours(texts)
            finally:
                ours.batch_tokens = tokens

        systems = {"stock": run_stock, "flaucluster": run_ours}
        if not args.skip_fixed_batches:
            systems["flaucluster_fixed_batches"] = run_ours_fixed
        if ours_int8 is not None:
            systems["flaucluster_int8"] = lambda texts: run_ours(texts, ours_int8)
        for fn in systems.values():  # warm-up: weights paged in, kernels and allocator ready
            fn(warmup)

        runs = {k: {s: [] for s in systems} for k in kinds}  # (seconds, foreign cores) per round
        vectors: dict = {k: {} for k in kinds}
        for r in range(repeats):
            names = list(systems) if r % 2 == 0 else list(reversed(systems))  # alternate who goes first
            for kind, texts in kinds.items():
                for name in names:
                    dt, vec, foreign = timed(lambda name=name, texts=texts: systems[name](texts), sync)
                    runs[kind][name].append((dt, foreign))
                    vectors[kind].setdefault(name, np.asarray(vec))
                    print(
                        f"round {r + 1}/{repeats} {kind:10s} {name:26s} {len(texts) / dt:9.1f} texts/s"
                        f"  (other processes: {foreign:.2f} cores)",
                        file=sys.stderr,
                    )

        # Where stock's time goes: its tokenizer alone vs ours alone, on the same texts (one pass each).
        tokenizer_rates = {}
        for kind, texts in kinds.items():
            lowered = [t.strip().lower() for t in texts]
            dt_slow = timed(
                lambda lowered=lowered: stock.tokenizer(lowered, truncation=True, max_length=512)["input_ids"],
                lambda: None,
            )[0]
            ours.clear_tokenizer_cache()
            dt_fast = timed(lambda texts=texts: ours._token_ids(texts), lambda: None)[0]
            stock_seconds = statistics.median(dt for dt, _ in _selected(runs[kind]["stock"]))
            tokenizer_rates[kind] = {
                "stock_tokenizer_per_s": len(texts) / dt_slow,
                "flaucluster_tokenizer_per_s": len(texts) / dt_fast,
                "stock_tokenizer_share_of_stock_time": dt_slow / stock_seconds,
            }
        token_counts = {k: ours._token_ids(t).lengths.tolist() for k, t in kinds.items()}
        background = ours.background_tokenization
        if background is None:
            background = device != "cpu" or _usable_cores() > torch.get_num_threads()
        workers = ours._workers._max_workers if ours._workers is not None else 0
        settings = {
            "batch_size": bs,
            "flaucluster_batch_tokens": ours.batch_tokens,
            "flaucluster_dtype": str(ours.dtype).split(".")[-1],
            "stock_dtype": "float16" if args.stock_fp16 else "float32",
            "flaucluster_attention": ours.attention,
            "flaucluster_background_tokenization": bool(background or workers),
            "flaucluster_tokenizer_processes": workers,
        }
        gemm = gemm_gflops(device, ours.dtype, rows=8192 if device == "cuda" else 1024)
        if device == "cpu":
            gemm["fma_peak_gflops"] = fma_peak_gflops(torch.get_num_threads())
        ours.close()

    result = {
        "machine": machine(device),
        "settings": settings,
        "texts": {
            k: {
                "n": len(t),
                "mean_chars": float(np.mean([len(x) for x in t])),
                "mean_tokens": float(np.mean(token_counts[k])),
                "max_tokens": int(max(token_counts[k])),
            }
            for k, t in kinds.items()
        }
        | {"notes": text_notes},
        "load_average_start": load_start,
        "load_average_end": os.getloadavg(),
        "repeats": repeats,
        "target_ratio": TARGETS[device],
        "results": {},
    }
    for kind, texts in kinds.items():
        row = {}
        for name, rounds in runs[kind].items():
            chosen = _selected(rounds)
            row[name] = {
                "per_s_median": statistics.median(len(texts) / dt for dt, _ in chosen),
                "quiet_rounds": sum(f < QUIET for _, f in rounds),
                "rounds_used": "quiet" if any(f < QUIET for _, f in rounds) else "all (none quiet)",
                "per_s_rounds": [len(texts) / dt for dt, _ in rounds],
                "other_processes_cores_rounds": [round(f, 2) for _, f in rounds],
            }
        stock_rate = row["stock"]["per_s_median"]
        for name in list(row):
            row[name]["ratio_vs_stock"] = row[name]["per_s_median"] / stock_rate
        paired = [(o[0], s_[0], max(o[1], s_[1])) for o, s_ in zip(runs[kind]["flaucluster"], runs[kind]["stock"])]
        row["flaucluster"]["ratio_rounds"] = [s_ / o for o, s_, _ in paired]
        quiet_pairs = [s_ / o for o, s_, f in paired if f < QUIET]
        row["flaucluster"]["ratio_quiet_rounds"] = quiet_pairs
        row["agreement_stock_vs_flaucluster"] = compare(vectors[kind]["stock"], vectors[kind]["flaucluster"])
        if "flaucluster_int8" in vectors[kind]:
            row["agreement_stock_vs_flaucluster_int8"] = compare(
                vectors[kind]["stock"], vectors[kind]["flaucluster_int8"]
            )
        row["tokenizers"] = tokenizer_rates[kind]
        result["results"][kind] = row
        # useful model FLOPs per second (no padding counted) against what a plain GEMM of the model's
        # shapes reaches here: how close the forward pass is to the machine's limit
        tokens = np.asarray(token_counts[kind], dtype=np.float64)
        flops_per_text = float(np.mean(tokens * flops_per_token(tokens)))
        for name in (n for n in row if "per_s_median" in row[n]):
            row[name]["useful_gflops"] = row[name]["per_s_median"] * flops_per_text / 1e9
    result["gemm_gflops"] = gemm
    result["wall_seconds"] = time.perf_counter() - started
    result["target_met"] = {k: result["results"][k]["flaucluster"]["ratio_vs_stock"] >= TARGETS[device] for k in kinds}
    if ours_int8 is not None:
        result["target_met_int8"] = {
            k: result["results"][k]["flaucluster_int8"]["ratio_vs_stock"] >= TARGETS[device] for k in kinds
        }

    markdown = render(result, device)
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    out_prefix.with_suffix(".json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    out_prefix.with_suffix(".md").write_text(markdown, encoding="utf-8")
    print(markdown)


def render(result: dict, device: str) -> str:
    m, s, res = result["machine"], result["settings"], result["results"]
    d = m.get("cpu_details") or {}
    cpu = m["cpu"] + (f" (family {d['family']} model {d['model']}, {'/'.join(d['simd'])})" if d else "")
    hw = f"{cpu}, {m['cores']} cores ({m['torch_threads']} torch threads), {m['memory_gib']} GiB RAM"
    if device == "cuda":
        hw = f"{m['gpu']} (CUDA {m['cuda']}); host {hw}"
    v = m["versions"]
    lines = [
        f"# Encode throughput on {device.upper()}: stock sentence-transformers vs flaucluster",
        "",
        f"Machine: {hw}; {m['platform']}; {m['date']}; torch {v['torch']}, transformers {v['transformers']}, "
        f"sentence-transformers {v['sentence-transformers']}, Python {m['python']}.",
        "",
        "Model: FlauBERT-base-shaped folder (12 layers, 768 dims, 12 heads, real FlauBERT tokenizer, random "
        "weights), mean pooling, max_seq_length 512. Same texts and `batch_size="
        f"{s['batch_size']}` for both, {result['repeats']} alternating rounds. Each run records how many cores "
        "other processes used meanwhile (from /proc/stat; flaucluster's own tokenizer processes count as its "
        f"own); the figures are medians over the quiet runs (< {QUIET} core used by others), or over all runs "
        "where none was quiet.",
        "",
        "| texts | stock ST texts/s | flaucluster texts/s | **ratio** | flaucluster, fixed batches | "
        "flaucluster int8 (min cosine to stock) | stock tokenizer alone /s | "
        "flaucluster tokenizer alone, one process /s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, row in res.items():
        t = result["texts"][kind]
        fixed = row.get("flaucluster_fixed_batches")
        fixed_txt = f"{fixed['per_s_median']:.1f} ({fixed['ratio_vs_stock']:.2f}×)" if fixed else "–"
        q = row.get("flaucluster_int8")
        int8_txt = (
            (
                f"{q['per_s_median']:.1f} (**{q['ratio_vs_stock']:.2f}×**; "
                f"{row['agreement_stock_vs_flaucluster_int8']['min_cosine']:.5f})"
            )
            if q
            else "–"
        )
        lines.append(
            f"| {t['n']} {kind} (mean {t['mean_tokens']:.0f} tokens) | {row['stock']['per_s_median']:.1f} | "
            f"{row['flaucluster']['per_s_median']:.1f} | **{row['flaucluster']['ratio_vs_stock']:.2f}×** | "
            f"{fixed_txt} | {int8_txt} | {row['tokenizers']['stock_tokenizer_per_s']:.0f} | "
            f"{row['tokenizers']['flaucluster_tokenizer_per_s']:.0f} |"
        )
    lines += ["", "Every run, texts/s (cores used by other processes meanwhile):", ""]
    for kind, row in res.items():
        for name in (n for n in row if isinstance(row[n], dict) and "per_s_rounds" in row[n]):
            runs = ", ".join(
                f"{r:.1f} ({f:.1f})"
                for r, f in zip(row[name]["per_s_rounds"], row[name]["other_processes_cores_rounds"])
            )
            lines.append(f"- {kind}, {name}: {runs} — median over {row[name]['rounds_used']} runs")
    lines += [
        "",
        "Same-round ratios flaucluster / stock: "
        + "; ".join(
            f"{kind} " + ", ".join(f"{x:.2f}" for x in row["flaucluster"]["ratio_rounds"]) for kind, row in res.items()
        )
        + f". Load average at start / end: {' '.join(f'{x:.2f}' for x in result['load_average_start'])} / "
        f"{' '.join(f'{x:.2f}' for x in result['load_average_end'])}.",
        "",
        "Same vectors: "
        + "; ".join(
            f"{kind}: max |Δ| {row['agreement_stock_vs_flaucluster']['max_abs_diff']:.1e}, min cosine "
            f"{row['agreement_stock_vs_flaucluster']['min_cosine']:.7f}"
            for kind, row in res.items()
        )
        + f" (stock {s['stock_dtype']}, flaucluster {s['flaucluster_dtype']}).",
        "",
        "Settings: stock = `Transformer(path, max_seq_length=512, do_lower_case=False)` + `Pooling(768, 'mean')` "
        "→ `SentenceTransformer(modules=...)`, fed stripped + lowercased texts (the card's `do_lower_case`; "
        "`SentenceTransformer(path)` crashes on this old-format folder): slow HF FlaubertTokenizer, eager "
        "attention, batch_size sentences per batch sorted by characters. "
        f"flaucluster = `TransformerFolderEncoder` defaults: fast id-exact tokenizer (word memo emptied before "
        f"each timed call), token-length sorted batches of ≤ {s['flaucluster_batch_tokens']} padded tokens "
        f"(never more than batch_size × 512), attention `{s['flaucluster_attention']}`, background tokenization "
        f"{'on' if s['flaucluster_background_tokenization'] else 'off'}, tokenizer processes "
        f'{s["flaucluster_tokenizer_processes"]}. "Fixed batches" = flaucluster with `batch_tokens=None` '
        '(batch_size sentences per batch, token-length sorted). "int8" = flaucluster with '
        "`precision='int8'`: the same, with every linear layer dynamically quantized to int8 (per-channel "
        "weights, `torch.ao.quantization.quantize_dynamic`); an opt-in, as its vectors differ from fp32 by "
        "the cosines shown.",
        "",
    ]
    target = result["target_ratio"]
    met = ", ".join(f"{k} {'met' if ok else 'NOT met'}" for k, ok in result["target_met"].items())
    lines.append(
        f"Target ≥ {target:g}× stock on {device.upper()}, flaucluster's defaults "
        f"({s['flaucluster_dtype']}, vectors as above): {met}."
    )
    if "target_met_int8" in result:
        met = ", ".join(f"{k} {'met' if ok else 'NOT met'}" for k, ok in result["target_met_int8"].items())
        lines.append(f"Target ≥ {target:g}× stock on {device.upper()} with `precision='int8'`: {met}.")
    share = ", ".join(f"{k} {row['tokenizers']['stock_tokenizer_share_of_stock_time']:.1%}" for k, row in res.items())
    lines += [
        "",
        f"Stock's slow tokenizer alone takes {share} of stock's encode time; the rest is the "
        f"transformer forward pass and stock's per-batch plumbing.",
    ]
    gemm = result["gemm_gflops"]
    lines += [
        "",
        "Useful model GFLOP/s (FlauBERT-base forward FLOPs of the real tokens, padding not counted): "
        + "; ".join(
            f"{kind} stock {row['stock']['useful_gflops']:.0f}, flaucluster {row['flaucluster']['useful_gflops']:.0f}"
            for kind, row in res.items()
        )
        + f". A lone {gemm['rows']}×768→3072 {gemm['dtype']} matmul reaches {gemm['gflops']:.0f} GFLOP/s "
        "on this machine, so an encoder computing these same FLOPs in this dtype could be at most about "
        + ", ".join(
            f"{gemm['gflops'] / row['stock']['useful_gflops']:.2f}× stock ({kind})" for kind, row in res.items()
        )
        + " here.",
    ]
    if gemm.get("fma_peak_gflops"):
        peak = gemm["fma_peak_gflops"]
        lines[-1] += (
            f" The cores' own float32 peak (benchmarks/fma_peak.c: {m['torch_threads']} threads of "
            f"independent 8-wide FMAs, nothing else) is {peak:.0f} GFLOP/s: even an encoder doing "
            "nothing but these FLOPs, every one at that peak, would be at most "
            + ", ".join(f"{peak / row['stock']['useful_gflops']:.2f}× stock ({kind})" for kind, row in res.items())
            + " in float32 on this machine."
        )
    if device == "cpu":
        lines += [
            "",
            "GPU figure (≥ 20× on an H100): not measured in this run; "
            "`python benchmarks/bench_encode.py --device cuda` measures it on a CUDA machine.",
        ]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
