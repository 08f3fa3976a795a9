"""Transformer + pooling sentence-transformers folders, loaded without ``SentenceTransformer``.

Why: the seed models (``inokufu/bertheo``, ``hugorosen/flaubert_base_uncased-xnli-sts``) are
old-format folders whose ``sentence_bert_config.json`` says ``"do_lower_case": true``.
sentence-transformers 6 answers that by poking ``tokenizer.basic_tokenizer``, which
``FlaubertTokenizer`` does not have, so ``SentenceTransformer('inokufu/bertheo')`` crashes.
This module follows the model card's own recipe instead — lowercase, tokenize with
truncation at ``max_seq_length``, run the transformer, pool with the attention mask — using
only ``AutoTokenizer``/``AutoModel``, which keeps it working across library releases.

The encode loop is built for throughput (benchmarks/bench_encode.py measures it against
stock sentence-transformers):

* texts are tokenized without padding first, then sorted by *token* length (in a reservoir a few
  batches deep) and cut into token-budget batches: short sentences travel in big batches, long
  ones in small ones, little padding is computed, and only the last batch is not full;
* on GPU (or whenever a core is left over by torch's intra-op threads) tokenization runs in a
  background thread, one chunk ahead of the forward pass, which releases the GIL; on a CPU whose
  cores all run the forward pass it stays in line, as a third busy thread only slows the GEMMs;
* on a CUDA host with cores to spare, big inputs are tokenized by a few forked worker processes
  (the pure-Python tokenizer is GIL-bound: one thread tokenizes ~20-35k short sentences/s, less than
  a modern GPU embeds), feeding that background thread;
* FlauBERT's forward pass is re-played with ``scaled_dot_product_attention`` over the model's own
  modules (transformers offers no SDPA for FlauBERT), skipping its eager attention and the
  key/value cache it fills in inference, with query, key and value as one matrix product; other
  architectures use the model's own forward;
* ``torch.inference_mode``, fp16 on CUDA (``select_dtype``), pooling accumulated in fp32, pinned
  host memory both ways, and results copied back behind CUDA events (no sync per batch).

Vectors equal the model card recipe's within fp32 rounding (tests/test_flaubert_encoder.py).
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import itertools
import json
import logging
import multiprocessing
import os
import queue
import sys
import threading
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from tqdm.auto import tqdm

from .base import Device, Encoder, Precision, compute_name, quantize_int8, select_device, select_dtype

logger = logging.getLogger(__name__)

_SIMPLE_MODULES = ("Transformer", "Pooling", "Normalize")
_POOLING_MODES = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls", "pooling_mode_max_tokens": "max"}
# Padded tokens per batch, by device (never more than batch_size * max_seq_length, the most a batch
# of ``batch_size`` sentences could hold). A GPU wants a lot of work per launch. On CPU ~256 rows per
# intra-op thread keep the GEMMs efficient and the activations in cache (2 idle cores, FlauBERT base,
# short sentences/s by budget: 512 -> 75, 1024 -> 69, 2048 -> 63, 4096 -> 51); see _cpu_batch_tokens.
_BATCH_TOKENS = {"cuda": 32768, "mps": 8192}
_FIRST_CHUNK, _MAX_CHUNK = 256, 8192  # texts tokenized per step: small first, to start the model early
_RESERVOIR_BATCHES = 4  # batches' worth of tokenized rows sorted together before cutting a batch (padding)
# With tokenizer processes the chunks stay smaller: the model waits for a whole chunk, so a big last chunk
# is GPU time that no tokenization overlaps.
_POOL_MAX_CHUNK = 2048
# Batches queued on the GPU before the loop waits for the oldest. Unbounded, the loop can fill CUDA's
# launch queue and block inside a kernel launch holding the GIL, stalling the tokenizing threads; an event
# wait releases the GIL (on an H100: +5-10 % texts/s, near the noise).
_GPU_BATCHES_AHEAD = 2
# Tokenizer processes are used from this many characters of input (~4,000 course titles, ~600
# five-sentence paragraphs: counted in texts, long paragraphs never reached the pool). Each chunk is
# spread over every process, in tasks of _POOL_PIECE_MIN_CHARS to _POOL_PIECE_CHARS characters, so the
# first chunk is ready early and the model starts.
_POOL_MIN_CHARS = 250_000
_MAX_TOKENIZER_PROCESSES = 12  # H100 host, 16 cores: 8 -> 12 processes gave ~10% more texts/s, 14 no more
_POOL_PIECE_MIN_CHARS, _POOL_PIECE_CHARS = 4_000, 32_000


def is_simple_st_folder(folder: Path) -> bool:
    """True for folders made only of Transformer, Pooling and Normalize modules (all FlauBERT ST models)."""
    modules = folder / "modules.json"
    if not modules.is_file():
        return False
    types = [m.get("type", "").rsplit(".", 1)[-1] for m in json.loads(modules.read_text())]
    return bool(types) and types[0] == "Transformer" and all(t in _SIMPLE_MODULES for t in types)


def folder_identity(folder: Path) -> str:
    """A digest of the folder's files: names, sizes, and content (head and tail for big weight files)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".cache" not in p.parts):
        size = path.stat().st_size
        h.update(f"{path.relative_to(folder).as_posix()}:{size}".encode())
        with open(path, "rb") as fh:
            if size <= 4 << 20:
                h.update(fh.read())
            else:  # weights: head and tail are enough to tell two checkpoints apart, and fast
                h.update(fh.read(1 << 20))
                fh.seek(-(1 << 20), 2)
                h.update(fh.read())
    return h.hexdigest()[:16]


class TransformerFolderEncoder(Encoder):
    """Encode with a Transformer + Pooling (+ Normalize) sentence-transformers folder."""

    def __init__(
        self,
        folder: str | Path,
        *,
        name: str | None = None,
        device: Device = "auto",
        precision: Precision = "auto",
        max_seq_length: int | None = None,
        fast_tokenizer: bool = True,
    ) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.folder = Path(folder)
        self.name = name or str(self.folder)
        modules = json.loads((self.folder / "modules.json").read_text())
        st_config = _read_json(self.folder / "sentence_bert_config.json")
        self.lowercase = bool(st_config.get("do_lower_case", False))
        self.max_seq_length = int(max_seq_length or st_config.get("max_seq_length") or 512)
        pooling_dir = next(self.folder / m.get("path", "") for m in modules if m["type"].endswith("Pooling"))
        self.pooling = _pooling_mode(_read_json(pooling_dir / "config.json"), pooling_dir)
        self.normalize = any(m["type"].endswith("Normalize") for m in modules)

        self.device = select_device(device)
        self.dtype = select_dtype(self.device, precision)
        self.tokenizer = AutoTokenizer.from_pretrained(self.folder)
        self.model = AutoModel.from_pretrained(self.folder, dtype=self.dtype).to(self.device).eval()
        #: "sdpa" re-plays FlaubertModel with scaled_dot_product_attention; "eager" is the model's forward.
        self.attention = "sdpa" if _sdpa_supported(self.model) else "eager"
        if self.attention == "sdpa":
            _fuse_qkv(self.model)  # before quantizing, so int8 gets the fused layer too
        if precision == "int8":
            self.model = quantize_int8(self.model)
        limit = getattr(self.model.config, "max_position_embeddings", None)
        if limit:
            self.max_seq_length = min(self.max_seq_length, int(limit))
        self.dim = int(getattr(self.model.config, "hidden_size", 0) or self.model.config.emb_dim)
        self._fast = self._load_fast_tokenizer() if fast_tokenizer else None
        #: Padded tokens per batch; ``None`` gives fixed batches of ``batch_size`` sentences.
        self.batch_tokens: int | None = _BATCH_TOKENS.get(self.device) or _cpu_batch_tokens()
        #: Tokenize in a background thread: ``None`` decides (GPU, or a core torch does not use).
        self.background_tokenization: bool | None = None
        #: Tokenizer worker processes for big inputs (fast tokenizer, Linux): ``None`` decides (CUDA
        #: hosts with spare cores), 0 never. The pool is forked once, on first use, and kept.
        self.tokenizer_processes: int | None = None
        self._workers: Any = None  # a ProcessPoolExecutor once started
        self._memo_generation = 0
        self._results_ahead = _GPU_BATCHES_AHEAD if self.device == "cuda" else 0  # batches not yet back
        settings = (
            f"lower={self.lowercase};max={self.max_seq_length};pool={self.pooling};"
            f"norm={self.normalize};dtype={compute_name(self.dtype, precision)}"
        )
        self.identity = f"st-folder:{folder_identity(self.folder)}:{settings}"
        self._torch = torch

    def _load_fast_tokenizer(self):
        if type(self.tokenizer).__name__ != "FlaubertTokenizer":
            return None
        from .fast_tokenizer import FastFlaubertTokenizer

        return FastFlaubertTokenizer(self.tokenizer)

    def prepare(self, texts: Sequence[str]) -> list[str]:
        """What the card's recipe feeds the tokenizer: stripped, and lowercased when configured."""
        return [t.strip().lower() if self.lowercase else t.strip() for t in texts]

    def tokenize(self, texts: Sequence[str]) -> dict:
        texts = self.prepare(texts)
        if self._fast is not None:
            return self._fast(texts, max_length=self.max_seq_length, return_tensors="pt")
        return self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_seq_length, return_tensors="pt")

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """float32 vectors, one row per text, in input order.

        Batches are cut by padded tokens (``batch_tokens``), so short texts travel many to a batch
        and long ones few; ``batch_size`` caps a batch at ``batch_size * max_seq_length`` tokens, the
        most ``batch_size`` texts could hold, so memory stays within what it allowed. With
        ``batch_tokens = None`` every batch holds ``batch_size`` texts (token-length sorted).
        """
        torch = self._torch
        texts = list(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        cuda = self.device == "cuda"
        chars = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        workers = self._tokenizer_workers(int(chars.sum()))  # forked here, in the calling thread, if at all
        background = self.background_tokenization
        if background is None:
            background = self.device != "cpu" or _usable_cores() > torch.get_num_threads()
        if background or workers is not None:
            batches: Any = _in_background(self._batches(texts, batch_size, workers, chars), depth=4)
        else:
            batches = self._batches(texts, batch_size, workers, chars)
        back = _ResultsBack(out, self.device, self._results_ahead)
        try:
            bar = tqdm(total=len(texts), desc=f"embedding ({self.name})", unit="text", disable=not show_progress)
            with torch.inference_mode(), _sdpa_backends(self.device), bar:
                for idx, features, padded in batches:
                    features = {k: v.to(self.device, non_blocking=cuda) for k, v in features.items()}
                    back.add(idx, self._pool(self._forward(features, padded), features["attention_mask"]))
                    bar.update(len(idx))
                back.finish()
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()
        if self.normalize:
            out /= np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)
        return out

    def clear_tokenizer_cache(self) -> None:
        """Forget the fast tokenizer's word -> ids memo, here and in the tokenizer processes."""
        if self._fast is not None:
            self._fast._memo.clear()
        self._memo_generation += 1  # worker processes clear theirs with their next task

    def close(self) -> None:
        """Stop the tokenizer worker processes, if any (they also stop with the encoder or at exit)."""
        workers, self._workers = self._workers, None
        if workers is not None:
            workers.shutdown(wait=True, cancel_futures=True)

    def _token_ids(self, texts: list[str]):
        """Unpadded token ids of ``texts``: ``_Ids`` (fast tokenizer) or the tokenizer's dict of lists."""
        if self._fast is not None:
            return _fast_ids(self._fast, self.prepare(texts), self.max_seq_length)
        return dict(self.tokenizer(self.prepare(texts), truncation=True, max_length=self.max_seq_length))

    def _collate(self, tokens, rows: np.ndarray) -> dict:
        """Pad ``rows`` of ``tokens`` into tensors, as ``tokenizer(..., padding=True)`` does."""
        torch = self._torch
        picked = _take_tokens(tokens, rows)
        if isinstance(picked, _Ids):
            width = int(picked.lengths.max())
            span = np.arange(width)
            fast = self._fast
            assert fast is not None  # an _Ids container only comes from the fast tokenizer
            left = fast.padding_side == "left"
            mask = span >= (width - picked.lengths)[:, None] if left else span < picked.lengths[:, None]
            ids = np.full((len(rows), width), fast.pad_id, dtype=np.int64)
            ids[mask] = picked.flat  # row-major order of the mask's True cells: the texts' ids one after another
            batch = {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask.astype(np.int64))}
        else:
            batch = dict(self.tokenizer.pad(picked, padding=True, return_tensors="pt"))
        if self.device == "cuda":
            batch = {k: v.pin_memory() for k, v in batch.items()}
        return batch

    def _batches(
        self, texts: list[str], batch_size: int, workers=None, chars: np.ndarray | None = None
    ) -> Iterator[tuple[np.ndarray, dict, bool]]:
        """(indices into texts, padded host tensors, whether any padding), longest texts first.

        Texts are pre-sorted by character length (free) and tokenized a chunk at a time. Tokenized rows
        wait in a reservoir sorted by token length, and each batch is cut from its longest rows: the
        more rows wait, the closer the lengths within a batch and the less padding is computed. The
        first batch goes as soon as it is full (the model starts early); then the reservoir keeps up to
        _RESERVOIR_BATCHES budgets of tokens (two more per batch sent). Only the last chunk sends a
        batch that is not full. (15,000 short sentences in 32,768-token batches: padding was 29 % of
        the tokens with a sort per chunk, 14 % with the reservoir.) The batches depend only on the
        texts, never on timing, so the vectors are reproducible to the bit.
        """
        budget = None
        if self.batch_tokens:
            budget = min(int(self.batch_tokens), batch_size * self.max_seq_length)
        if chars is None:
            chars = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        order = np.argsort(-chars, kind="stable")
        chunks, start, size = [], 0, _FIRST_CHUNK
        while start < len(order):
            chunks.append(order[start : start + size])
            start += size
            size = min(size * 2, _MAX_CHUNK if workers is None else _POOL_MAX_CHUNK)
        if workers is None:
            tokenized: Any = (self._token_ids([texts[i] for i in part]) for part in chunks)
        else:
            tokenized = self._tokenize_in_workers(workers, texts, chunks, chars)
        waiting, sent = None, 0  # (indices, tokens) of the rows not batched yet; batches sent
        for n, (part, tokens) in enumerate(zip(chunks, tokenized), 1):
            if waiting is not None:
                part, tokens = np.concatenate([waiting[0], part]), _join_tokens(waiting[1], tokens)
            lengths = _token_lengths(tokens)
            ranked = np.argsort(-lengths, kind="stable")
            held, last = int(lengths.sum()), n == len(chunks)
            i = 0
            while i < len(ranked):
                width = int(lengths[ranked[i]])  # longest first: the first row sets the padded width
                size = max(budget // width, 1) if budget else batch_size
                rows = ranked[i : i + size]
                hold = min(_RESERVOIR_BATCHES, 2 * sent) * budget if budget else 0
                if not last and (len(rows) < size or held < hold):
                    break
                i += len(rows)
                sent += 1
                held -= int(lengths[rows].sum())
                yield part[rows], self._collate(tokens, rows), bool(lengths[rows[-1]] != width)
            rest = ranked[i:]
            waiting = (part[rest], _take_tokens(tokens, rest)) if len(rest) else None

    def _tokenizer_workers(self, n_chars: int):
        """The tokenizer process pool when it pays off for ``n_chars`` of text, else None; forked on first use."""
        n = self.tokenizer_processes
        if n is None:
            n = min(_MAX_TOKENIZER_PROCESSES, _usable_cores() - 2) if self.device == "cuda" else 0
        if (
            n < 2
            or n_chars < _POOL_MIN_CHARS
            or self._fast is None
            or sys.platform != "linux"
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return None
        if self._workers is not None and (self._workers._max_workers != n or getattr(self._workers, "_broken", False)):
            self.close()
        if self._workers is None:
            from concurrent.futures import ProcessPoolExecutor

            # fork: the workers inherit the loaded tokenizer (nothing to re-import); they never touch
            # torch or CUDA. Forked now, from the calling thread, before the tokenizer thread exists.
            try:
                pool = ProcessPoolExecutor(
                    n,
                    mp_context=multiprocessing.get_context("fork"),
                    initializer=_worker_init,
                    initargs=(self._fast, self.max_seq_length, self.lowercase),
                )
                pool.submit(int).result()  # start them all now (fork pools spawn on first submit)
            except Exception as error:  # e.g. inside a daemonic process: tokenize in one thread instead
                logger.info("tokenizer processes unavailable (%s); tokenizing in a thread", error)
                self.tokenizer_processes = 0
                return None
            weakref.finalize(self, pool.shutdown, wait=False, cancel_futures=True)
            self._workers = pool
        return self._workers

    def _tokenize_in_workers(
        self, pool, texts: list[str], chunks: list[np.ndarray], chars: np.ndarray
    ) -> Iterator[_Ids]:
        """``_Ids`` per chunk, each chunk cut in pieces tokenized across ``pool``, in order."""
        cuts = []
        for part in chunks:
            lengths = chars[part]
            share = -(-int(lengths.sum()) // pool._max_workers)  # the chunk spread over every process
            cuts.append(_piece_bounds(lengths, min(max(share, _POOL_PIECE_MIN_CHARS), _POOL_PIECE_CHARS)))
        generation = self._memo_generation
        tasks = (
            [texts[i] for i in part[a:b]] for part, bounds in zip(chunks, cuts) for a, b in itertools.pairwise(bounds)
        )
        results = pool.map(_worker_ids, tasks, itertools.repeat(generation))
        for bounds in cuts:
            yield _concat_ids([next(results) for _ in range(len(bounds) - 1)])

    def _forward(self, features: dict, padded: bool = True):
        if self.attention == "sdpa" and features.keys() <= {"input_ids", "attention_mask"}:
            return _flaubert_sdpa_forward(self.model, features["input_ids"], features["attention_mask"], padded)
        return self.model(**features)[0]

    def _pool(self, hidden, mask):
        hidden = hidden.float()  # accumulate in fp32 whatever the model's dtype
        mask = mask.unsqueeze(-1).to(hidden.dtype)
        if self.pooling == "cls":
            return hidden[:, 0]
        if self.pooling == "max":
            return hidden.masked_fill(mask == 0, -1e4).max(dim=1).values
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


def _sdpa_supported(model) -> bool:
    """FlaubertModel configurations whose forward ``_flaubert_sdpa_forward`` reproduces."""
    config = model.config
    return (
        type(model).__name__ == "FlaubertModel"
        and not getattr(config, "causal", False)
        and not getattr(config, "pre_norm", False)
        and getattr(config, "is_encoder", True)
        and all(
            hasattr(model, name)
            for name in (
                "attentions",
                "ffns",
                "layer_norm1",
                "layer_norm2",
                "layer_norm_emb",
                "position_embeddings",
                "n_heads",
            )
        )
    )


def _fuse_qkv(model) -> None:
    """Give each attention a ``qkv_lin``: the query, key and value projections as one matrix product.

    Why: one kernel launch instead of three per layer (the GPU loop is bound by launches on small
    batches) and one bigger GEMM on CPU. Each output column is the same dot product as before, so the
    vectors are unchanged (tests/test_flaubert_encoder.py). q_lin/k_lin/v_lin become views into the
    fused weights (no second copy) and still serve the model's own forward.
    """
    import torch

    for att in model.attentions:
        lins = (att.q_lin, att.k_lin, att.v_lin)
        if (
            not all(type(lin) is torch.nn.Linear and lin.bias is not None for lin in lins)
            or len({lin.out_features for lin in lins}) != 1
        ):  # the forward splits the product in three
            continue
        fused = torch.nn.Linear(
            lins[0].in_features,
            sum(lin.out_features for lin in lins),
            device=lins[0].weight.device,
            dtype=lins[0].weight.dtype,
        )
        with torch.no_grad():
            fused.weight.copy_(torch.cat([lin.weight for lin in lins]))
            fused.bias.copy_(torch.cat([lin.bias for lin in lins]))
        fused.requires_grad_(False)
        start = 0
        for lin in lins:
            end = start + lin.out_features
            lin.weight = torch.nn.Parameter(fused.weight[start:end], requires_grad=False)
            lin.bias = torch.nn.Parameter(fused.bias[start:end], requires_grad=False)
            start = end
        att.qkv_lin = fused


def _sdpa_backends(device: str):
    """On CUDA, attention kernels that need no per-shape set-up: flash (batches without padding) and
    memory-efficient (masked), not cuDNN. cuDNN's SDPA builds a plan for every new batch shape (measured
    on an H100: ~4 ms of CPU per call on average, which made a first encode of 15,000 titles 4x slower
    than the next), and token-budget batches come in many shapes."""
    if device != "cuda":
        return contextlib.nullcontext()
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel
    except ImportError:  # torch < 2.3 has no cuDNN attention either
        return contextlib.nullcontext()
    return sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH])


def _flaubert_sdpa_forward(model, input_ids, attention_mask, padded: bool = True):
    """``FlaubertModel.forward(input_ids, attention_mask)[0]`` in inference, with SDPA attention.

    Same modules and weights, same order of operations (post-norm: embeddings + positions,
    LayerNorm; per layer attention, residual, LayerNorm, FFN, residual, LayerNorm). What goes:
    the eager attention (scaled query, masked_fill, fp32 softmax), the key/value cache the model
    fills although nothing reads it, a host sync (``lengths.max().item()``), and the zeroing of
    padded rows after each layer: padded keys are masked out, so padded rows never reach a real
    one, and pooling ignores them (they are left non-zero here). ``padded=False`` (no padding in the
    batch) drops the mask, which lets CUDA pick its fastest attention kernel.
    """
    import torch

    bs, length = input_ids.shape
    dim, heads = model.dim, model.n_heads
    x = model.embeddings(input_ids) + model.position_embeddings.weight[:length]
    x = model.layer_norm_emb(x)
    mask = attention_mask.bool()[:, None, None, :] if padded else None
    for i in range(model.n_layers):
        att = model.attentions[i]
        if hasattr(att, "qkv_lin"):
            q, k, v = att.qkv_lin(x).view(bs, length, 3, heads, -1).permute(2, 0, 3, 1, 4).unbind(0)
        else:
            q, k, v = (lin(x).view(bs, length, heads, -1).transpose(1, 2) for lin in (att.q_lin, att.k_lin, att.v_lin))
        context = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = model.layer_norm1[i](x + att.out_lin(context.transpose(1, 2).reshape(bs, length, dim)))
        x = model.layer_norm2[i](x + model.ffns[i](x))
    return x


class _Ids(NamedTuple):
    """Unpadded token ids of several texts: text i is ``flat[offsets[i]:offsets[i] + lengths[i]]``."""

    lengths: np.ndarray
    offsets: np.ndarray
    flat: np.ndarray

    @classmethod
    def of(cls, lengths: np.ndarray, flat: np.ndarray) -> _Ids:
        """Texts laid end to end in ``flat``, ``lengths`` ids each."""
        return cls(lengths, np.cumsum(lengths) - lengths, flat)


def _fast_ids(fast, texts: list[str], max_length: int) -> _Ids:
    seqs = fast.encode_batch(texts, max_length)
    lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    flat = np.fromiter(itertools.chain.from_iterable(seqs), dtype=np.int64, count=int(lengths.sum()))
    return _Ids.of(lengths, flat)


def _piece_bounds(chars: np.ndarray, size: int) -> list[int]:
    """Cut points splitting texts of these character lengths into runs of ~``size`` characters (>= 1 text)."""
    ends = np.cumsum(chars)
    cuts = np.searchsorted(ends, np.arange(size, int(ends[-1]), size), side="right")
    return sorted({0, len(chars), *(int(c) for c in cuts if 0 < c < len(chars))})


def _token_lengths(tokens) -> np.ndarray:
    if isinstance(tokens, _Ids):
        return tokens.lengths
    return np.fromiter(map(len, tokens["input_ids"]), dtype=np.int64, count=len(tokens["input_ids"]))


def _take_tokens(tokens, rows: np.ndarray):
    """The ``rows`` of ``_Ids`` or of a tokenizer's dict of lists, in that order."""
    if not isinstance(tokens, _Ids):
        return {k: [v[i] for i in rows] for k, v in tokens.items()}
    lengths = tokens.lengths[rows]
    offsets = np.cumsum(lengths) - lengths
    # position j of the result reads flat[j + (old offset - new offset) of the row j falls in]
    gather = np.arange(int(lengths.sum())) + np.repeat(tokens.offsets[rows] - offsets, lengths)
    return _Ids(lengths, offsets, tokens.flat[gather])


def _join_tokens(first, second):
    if isinstance(first, _Ids):
        return _concat_ids([first, second])
    return {k: first[k] + second[k] for k in first}


def _concat_ids(parts: list[_Ids]) -> _Ids:
    return _Ids.of(np.concatenate([p.lengths for p in parts]), np.concatenate([p.flat for p in parts]))


_WORKER: dict = {}


def _worker_init(fast, max_length: int, lowercase: bool) -> None:
    _WORKER.update(fast=fast, max_length=max_length, lowercase=lowercase, generation=0)


def _worker_ids(texts: list[str], generation: int) -> _Ids:
    """In a tokenizer process: ``TransformerFolderEncoder._token_ids`` for the fast tokenizer."""
    fast = _WORKER["fast"]
    if generation != _WORKER["generation"]:
        fast._memo.clear()
        _WORKER["generation"] = generation
    texts = [t.strip().lower() if _WORKER["lowercase"] else t.strip() for t in texts]  # as prepare()
    return _fast_ids(fast, texts, _WORKER["max_length"])


def _cpu_batch_tokens() -> int:
    import torch

    return int(min(max(256 * torch.get_num_threads(), 512), 8192))


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class _ResultsBack:
    """Pooled rows on their way to ``out``, written at most ``ahead`` batches after they were queued.

    On CUDA each batch is copied into pinned host memory without blocking, behind an event; the loop
    waits only for the batch ``ahead`` places back (an event wait, which releases the GIL), so the GPU
    always has queued work and the copies overlap it. Copying back in blocks with ``.cpu()`` drained the
    GPU at every block and left the last one's copy and scatter as a tail no forward pass overlapped.
    """

    def __init__(self, out: np.ndarray, device: str, ahead: int) -> None:
        self.out, self.cuda, self.ahead = out, device == "cuda", ahead
        self.queue: collections.deque = collections.deque()  # (indices, host tensor, CUDA event or None)

    def add(self, idx: np.ndarray, pooled) -> None:
        import torch

        if self.cuda:
            host = torch.empty(pooled.shape, dtype=pooled.dtype, pin_memory=True)
            host.copy_(pooled, non_blocking=True)
            done = torch.cuda.Event()
            done.record()
            self.queue.append((idx, host, done))
        else:
            self.queue.append((idx, pooled.cpu(), None))
        while len(self.queue) > self.ahead:
            self._write(self.queue.popleft())

    def finish(self) -> None:
        while self.queue:
            self._write(self.queue.popleft())

    def _write(self, item) -> None:
        idx, host, done = item
        if done is not None:
            done.synchronize()
        self.out[idx] = host.numpy()


class _in_background:
    """Iterate ``source`` in a daemon thread, ``depth`` items ahead; errors surface in the consumer."""

    _DONE = object()

    def __init__(self, source: Iterator, depth: int = 4) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(source,), name="flaucluster-tokenize", daemon=True)
        self._thread.start()

    def _run(self, source: Iterator) -> None:
        try:
            for item in source:
                if not self._put((True, item)):
                    return
            self._put((True, self._DONE))
        except BaseException as error:  # handed to the consumer, raised there
            self._put((False, error))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()  # e.g. cancels tokenizer tasks not started yet

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self):
        return self

    def __next__(self):
        ok, item = self._queue.get()
        if not ok:
            self.close()
            raise item
        if item is self._DONE:
            self.close()
            raise StopIteration
        return item

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text()) if path.is_file() else {}


def _pooling_mode(config: dict, where: Path) -> str:
    modes = [mode for key, mode in _POOLING_MODES.items() if config.get(key)]
    others = [k for k, v in config.items() if k.startswith("pooling_mode") and v and k not in _POOLING_MODES]
    if len(modes) != 1 or others:
        raise ValueError(
            f"{where}: unsupported pooling configuration {config}; flaucluster handles exactly one "
            "of mean, cls or max pooling. Load this model through sentence-transformers instead."
        )
    return modes[0]
