"""Unpadded token ids in flat arrays, and the functions tokenizer worker processes run."""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np


class Ids(NamedTuple):
    """Unpadded token ids of several texts: text i is ``flat[offsets[i]:offsets[i] + lengths[i]]``."""

    lengths: np.ndarray
    offsets: np.ndarray
    flat: np.ndarray

    @classmethod
    def of(cls, lengths: np.ndarray, flat: np.ndarray) -> Ids:
        """Texts laid end to end in ``flat``, ``lengths`` ids each."""
        return cls(lengths, np.cumsum(lengths) - lengths, flat)


def fast_ids(fast, texts: list[str], max_length: int) -> Ids:
    seqs = fast.encode_batch(texts, max_length)
    lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    flat = np.fromiter(itertools.chain.from_iterable(seqs), dtype=np.int64, count=int(lengths.sum()))
    return Ids.of(lengths, flat)


def token_lengths(tokens) -> np.ndarray:
    if isinstance(tokens, Ids):
        return tokens.lengths
    return np.fromiter(map(len, tokens["input_ids"]), dtype=np.int64, count=len(tokens["input_ids"]))


def take_tokens(tokens, rows: np.ndarray):
    """The ``rows`` of ``Ids`` or of a tokenizer's dict of lists, in that order."""
    if not isinstance(tokens, Ids):
        return {k: [v[i] for i in rows] for k, v in tokens.items()}
    lengths = tokens.lengths[rows]
    offsets = np.cumsum(lengths) - lengths
    # position j of the result reads flat[j + (old offset - new offset) of the row j falls in]
    gather = np.arange(int(lengths.sum())) + np.repeat(tokens.offsets[rows] - offsets, lengths)
    return Ids(lengths, offsets, tokens.flat[gather])


def join_tokens(first, second):
    if isinstance(first, Ids):
        return concat_ids([first, second])
    return {k: first[k] + second[k] for k in first}


def concat_ids(parts: list[Ids]) -> Ids:
    return Ids.of(np.concatenate([p.lengths for p in parts]), np.concatenate([p.flat for p in parts]))


_WORKER: dict = {}


def worker_init(fast, max_length: int, lowercase: bool) -> None:
    from ...machine import as_forked_worker

    as_forked_worker()
    _WORKER.update(fast=fast, max_length=max_length, lowercase=lowercase, generation=0)


def worker_ids(texts: list[str], generation: int) -> Ids:
    """In a tokenizer process: ``TransformerFolderEncoder._token_ids`` for the fast tokenizer."""
    fast = _WORKER["fast"]
    if generation != _WORKER["generation"]:
        fast._memo.clear()
        _WORKER["generation"] = generation
    texts = [t.strip().lower() if _WORKER["lowercase"] else t.strip() for t in texts]  # as prepare()
    return fast_ids(fast, texts, _WORKER["max_length"])
