"""How the encode loop cuts its work: token budgets, tokenization chunks, the sorting reservoir and the
tokenizer processes. One frozen dataclass, so a caller (or a test) sets them on an encoder, not on
module globals; each default says why (the speeds behind them are in benchmarks/bench_encode.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Schedule:
    #: Padded tokens per batch by device: a GPU wants much work per launch. On CPU, ``cpu_batch_tokens``
    #: keeps ~256 rows per intra-op thread, which keeps the GEMMs efficient and the activations in cache.
    #: Never more than ``batch_size * max_seq_length``, the most a batch of ``batch_size`` texts could hold.
    device_batch_tokens: dict[str, int] = field(default_factory=lambda: {"cuda": 32768, "mps": 8192})
    #: Texts tokenized per step, doubling from ``first_chunk``: small first, so the model starts early.
    first_chunk: int = 256
    max_chunk: int = 8192
    #: Batches' worth of tokenized rows sorted together before a batch is cut: less padding computed.
    reservoir_batches: int = 4
    #: Largest chunk with tokenizer processes: the model waits for a whole chunk, so a big last chunk
    #: is GPU time that no tokenization overlaps.
    pool_max_chunk: int = 2048
    #: Batches queued on the GPU before the loop waits for the oldest. Unbounded, the loop can fill
    #: CUDA's launch queue and block in a kernel launch holding the GIL, stalling the tokenizer threads.
    gpu_batches_ahead: int = 2
    #: Tokenizer processes serve inputs from this many characters on; each chunk is spread over every
    #: process in tasks of ``pool_piece_min_chars`` to ``pool_piece_chars`` characters.
    pool_min_chars: int = 250_000
    pool_piece_min_chars: int = 4_000
    pool_piece_chars: int = 32_000
    #: At most this many tokenizer processes (more stopped paying on a 16-core GPU host).
    max_tokenizer_processes: int = 12

    def batch_tokens(self, device: str) -> int:
        return self.device_batch_tokens.get(device) or cpu_batch_tokens()


def cpu_batch_tokens() -> int:
    import torch

    return int(min(max(256 * torch.get_num_threads(), 512), 8192))


def piece_bounds(chars: np.ndarray, size: int) -> list[int]:
    """Cut points splitting texts of these character lengths into runs of ~``size`` characters (>= 1 text)."""
    ends = np.cumsum(chars)
    cuts = np.searchsorted(ends, np.arange(size, int(ends[-1]), size), side="right")
    return sorted({0, len(chars), *(int(c) for c in cuts if 0 < c < len(chars))})
