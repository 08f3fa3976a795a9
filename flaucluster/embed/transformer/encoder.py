"""Transformer + pooling sentence-transformers folders, loaded without ``SentenceTransformer``.

Why: the seed models (``inokufu/bertheo``, ``hugorosen/flaubert_base_uncased-xnli-sts``) are
old-format folders whose ``sentence_bert_config.json`` says ``"do_lower_case": true``.
sentence-transformers 6 answers that by poking ``tokenizer.basic_tokenizer``, which
``FlaubertTokenizer`` does not have, so ``SentenceTransformer('inokufu/bertheo')`` crashes.
This package follows the model card's own recipe instead — lowercase, tokenize with
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
  (the pure-Python tokenizer is GIL-bound: one thread tokenizes fewer texts per second than a
  modern GPU embeds), feeding that background thread;
* FlauBERT's forward pass is re-played with ``scaled_dot_product_attention`` over the model's own
  modules (transformers offers no SDPA for FlauBERT), skipping its eager attention and the
  key/value cache it fills in inference, with query, key and value as one matrix product; other
  architectures use the model's own forward;
* ``torch.inference_mode``, fp16 on CUDA (``select_dtype``), pooling accumulated in fp32, pinned
  host memory both ways, and results copied back behind CUDA events (no sync per batch).

Vectors equal the model card recipe's within fp32 rounding (tests/test_flaubert_encoder.py).
"""

from __future__ import annotations

import itertools
import json
import logging
import multiprocessing
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from ...machine import can_fork, stop_now, usable_cores
from ..base import Device, Encoder, Precision, compute_name, quantize_int8, select_device, select_dtype
from .folder import folder_identity, pooling_mode, read_json
from .pipeline import ResultsBack, in_background
from .schedule import Schedule, piece_bounds
from .sdpa import flaubert_sdpa_forward, fuse_qkv, sdpa_backends, sdpa_supported
from .tokens import Ids, concat_ids, fast_ids, join_tokens, take_tokens, token_lengths, worker_ids, worker_init

logger = logging.getLogger(__name__)


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
        schedule: Schedule | None = None,
    ) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.folder = Path(folder)
        self.name = name or str(self.folder)
        modules = json.loads((self.folder / "modules.json").read_text())
        st_config = read_json(self.folder / "sentence_bert_config.json")
        self.lowercase = bool(st_config.get("do_lower_case", False))
        self.max_seq_length = int(max_seq_length or st_config.get("max_seq_length") or 512)
        pooling_dir = next(self.folder / m.get("path", "") for m in modules if m["type"].endswith("Pooling"))
        self.pooling = pooling_mode(read_json(pooling_dir / "config.json"), pooling_dir)
        self.normalize = any(m["type"].endswith("Normalize") for m in modules)

        self.device = select_device(device)
        self.dtype = select_dtype(self.device, precision)
        self.tokenizer = AutoTokenizer.from_pretrained(self.folder)
        self.model = AutoModel.from_pretrained(self.folder, dtype=self.dtype).to(self.device).eval()
        #: "sdpa" re-plays FlaubertModel with scaled_dot_product_attention; "eager" is the model's forward.
        self.attention = "sdpa" if sdpa_supported(self.model) else "eager"
        if self.attention == "sdpa":
            fuse_qkv(self.model)  # before quantizing, so int8 gets the fused layer too
        if precision == "int8":
            self.model = quantize_int8(self.model)
        limit = getattr(self.model.config, "max_position_embeddings", None)
        if limit:
            self.max_seq_length = min(self.max_seq_length, int(limit))
        self.dim = int(getattr(self.model.config, "hidden_size", 0) or self.model.config.emb_dim)
        self._fast = self._load_fast_tokenizer() if fast_tokenizer else None
        #: How the loop cuts its work (:class:`Schedule`); the vectors do not depend on it.
        self.schedule = schedule or Schedule()
        #: Padded tokens per batch; ``None`` gives fixed batches of ``batch_size`` sentences.
        self.batch_tokens: int | None = self.schedule.batch_tokens(self.device)
        #: Tokenize in a background thread: ``None`` decides (GPU, or a core torch does not use).
        self.background_tokenization: bool | None = None
        #: Tokenizer worker processes for big inputs (fast tokenizer, Linux): ``None`` decides (CUDA
        #: hosts with spare cores), 0 never. The pool is forked once, on first use, and kept.
        self.tokenizer_processes: int | None = None
        self._workers: Any = None  # a ProcessPoolExecutor once started
        self._memo_generation = 0
        #: Batches whose results are not copied back yet (queued GPU work; 0 off CUDA).
        self.results_ahead = self.schedule.gpu_batches_ahead if self.device == "cuda" else 0
        settings = (
            f"lower={self.lowercase};max={self.max_seq_length};pool={self.pooling};"
            f"norm={self.normalize};dtype={compute_name(self.dtype, precision)}"
        )
        self.identity = f"st-folder:{folder_identity(self.folder)}:{settings}"
        self._torch = torch

    def _load_fast_tokenizer(self):
        if type(self.tokenizer).__name__ != "FlaubertTokenizer":
            return None
        from ..fast_tokenizer import FastFlaubertTokenizer

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
            background = self.device != "cpu" or usable_cores() > torch.get_num_threads()
        if background or workers is not None:
            batches: Any = in_background(self._batches(texts, batch_size, workers, chars), depth=4)
        else:
            batches = self._batches(texts, batch_size, workers, chars)
        back = ResultsBack(out, self.device, self.results_ahead)
        try:
            bar = tqdm(total=len(texts), desc=f"embedding ({self.name})", unit="text", disable=not show_progress)
            with torch.inference_mode(), sdpa_backends(self.device), bar:
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
            stop_now(workers)

    def _token_ids(self, texts: list[str]):
        """Unpadded token ids of ``texts``: ``Ids`` (fast tokenizer) or the tokenizer's dict of lists."""
        if self._fast is not None:
            return fast_ids(self._fast, self.prepare(texts), self.max_seq_length)
        return dict(self.tokenizer(self.prepare(texts), truncation=True, max_length=self.max_seq_length))

    def _collate(self, tokens, rows: np.ndarray) -> dict:
        """Pad ``rows`` of ``tokens`` into tensors, as ``tokenizer(..., padding=True)`` does."""
        torch = self._torch
        picked = take_tokens(tokens, rows)
        if isinstance(picked, Ids):
            width = int(picked.lengths.max())
            span = np.arange(width)
            fast = self._fast
            assert fast is not None  # an Ids container only comes from the fast tokenizer
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
        self.schedule.reservoir_batches budgets of tokens (two more per batch sent). Only the last chunk sends a
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
        chunks, start, size = [], 0, self.schedule.first_chunk
        while start < len(order):
            chunks.append(order[start : start + size])
            start += size
            size = min(size * 2, self.schedule.max_chunk if workers is None else self.schedule.pool_max_chunk)
        if workers is None:
            tokenized: Any = (self._token_ids([texts[i] for i in part]) for part in chunks)
        else:
            tokenized = self._tokenize_in_workers(workers, texts, chunks, chars)
        waiting, sent = None, 0  # (indices, tokens) of the rows not batched yet; batches sent
        for n, (part, tokens) in enumerate(zip(chunks, tokenized), 1):
            if waiting is not None:
                part, tokens = np.concatenate([waiting[0], part]), join_tokens(waiting[1], tokens)
            lengths = token_lengths(tokens)
            ranked = np.argsort(-lengths, kind="stable")
            held, last = int(lengths.sum()), n == len(chunks)
            i = 0
            while i < len(ranked):
                width = int(lengths[ranked[i]])  # longest first: the first row sets the padded width
                size = max(budget // width, 1) if budget else batch_size
                rows = ranked[i : i + size]
                hold = min(self.schedule.reservoir_batches, 2 * sent) * budget if budget else 0
                if not last and (len(rows) < size or held < hold):
                    break
                i += len(rows)
                sent += 1
                held -= int(lengths[rows].sum())
                yield part[rows], self._collate(tokens, rows), bool(lengths[rows[-1]] != width)
            rest = ranked[i:]
            waiting = (part[rest], take_tokens(tokens, rest)) if len(rest) else None

    def _tokenizer_workers(self, n_chars: int):
        """The tokenizer process pool when it pays off for ``n_chars`` of text, else None; forked on first use."""
        n = self.tokenizer_processes
        if n is None:
            n = min(self.schedule.max_tokenizer_processes, usable_cores() - 2) if self.device == "cuda" else 0
        if n < 2 or n_chars < self.schedule.pool_min_chars or self._fast is None or not can_fork():
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
                    initializer=worker_init,
                    initargs=(self._fast, self.max_seq_length, self.lowercase),
                )
                pool.submit(int).result()  # start them all now (fork pools spawn on first submit)
            except Exception as error:  # e.g. inside a daemonic process: tokenize in one thread instead
                logger.info("tokenizer processes unavailable (%s); tokenizing in a thread", error)
                self.tokenizer_processes = 0
                return None
            weakref.finalize(self, stop_now, pool)
            self._workers = pool
        return self._workers

    def _tokenize_in_workers(
        self, pool, texts: list[str], chunks: list[np.ndarray], chars: np.ndarray
    ) -> Iterator[Ids]:
        """``Ids`` per chunk, each chunk cut in pieces tokenized across ``pool``, in order."""
        cuts = []
        for part in chunks:
            lengths = chars[part]
            share = -(-int(lengths.sum()) // pool._max_workers)  # the chunk spread over every process
            cuts.append(
                piece_bounds(
                    lengths, min(max(share, self.schedule.pool_piece_min_chars), self.schedule.pool_piece_chars)
                )
            )
        generation = self._memo_generation
        tasks = (
            [texts[i] for i in part[a:b]] for part, bounds in zip(chunks, cuts) for a, b in itertools.pairwise(bounds)
        )
        results = pool.map(worker_ids, tasks, itertools.repeat(generation))
        for bounds in cuts:
            yield concat_ids([next(results) for _ in range(len(bounds) - 1)])

    def _forward(self, features: dict, padded: bool = True):
        if self.attention == "sdpa" and features.keys() <= {"input_ids", "attention_mask"}:
            return flaubert_sdpa_forward(self.model, features["input_ids"], features["attention_mask"], padded)
        return self.model(**features)[0]

    def _pool(self, hidden, mask):
        hidden = hidden.float()  # accumulate in fp32 whatever the model's dtype
        mask = mask.unsqueeze(-1).to(hidden.dtype)
        if self.pooling == "cls":
            return hidden[:, 0]
        if self.pooling == "max":
            return hidden.masked_fill(mask == 0, -1e4).max(dim=1).values
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
