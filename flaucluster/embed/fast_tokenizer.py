"""Fast, id-exact replacement for transformers' slow ``FlaubertTokenizer``.

``FlaubertTokenizer`` (pure Python, sacremoses) spends most of its time in ~60
``re.sub`` calls per sentence that almost never change anything, in a
per-character ``unicodedata`` loop, and in the generic ``PreTrainedTokenizer``
plumbing (added-token trie, per-token id lookups, ``prepare_for_model``).

This module runs *the same* pipeline, in the same order, with the same compiled
sacremoses regexes, and only removes work that provably cannot change the text:

* every substitution is guarded by a literal that any effective match must
  contain (``" :"`` for ``" :" -> ":"``, ``"  "`` for ``" +" -> " "``, ...);
* stages that only touch rare characters run only when such a character is
  present (``str.isprintable`` is False for every Unicode category C char);
* the nonbreaking-prefix pass uses prebuilt sets instead of rebuilding
  ``set(IsAlpha)`` (100k+ chars) per token;
* word -> ids is memoised (French text repeats words a lot); the words a batch
  has not seen yet go through the Rust BPE of Hugging Face ``tokenizers`` in one
  call (faster than the Python loop; a cold memo made BPE much of the work,
  and each tokenizer process has its own memo). It is used only when the merge
  table has the property under which its priority queue merges exactly like the
  reference's loop (``rust_bpe``), else a leaner copy of the reference ``bpe``;
* the apostrophe rules (four regexes over huge Unicode classes) are decided per
  apostrophe when the apostrophes are far enough apart not to interact.

Exactness guarantee: a text takes the fast path unless it contains an added /
special token string (``<s>``, ``<special1>``...), which the reference splits
out with its trie, or the fast path raises; those go to the reference
``FlaubertTokenizer`` itself and are counted in ``n_fallback``. On the fast
path every stage is the reference's own code/regex, or a rewrite whose
equivalence is argued in its docstring and tested against the sacremoses /
transformers code installed (so a changed dependency fails the tests rather
than drifting): tests/test_fast_tokenizer.py checks the character guards over
all code points, the apostrophe rewrite exhaustively on short strings, the
nonbreaking-prefix and both BPE rewrites against the original (on every vocab
entry and every word of stsb-fr and data/), and full ids on every stsb-fr test
sentence, data/cours_fr.csv and hard cases (typographic quotes, NBSP, emojis, URLs, inclusive writing, ...).

Usage::

    tok = FastFlaubertTokenizer.from_folder("../shared/flaubert_tokenizer")
    batch = tok(["Une phrase.", "Une autre."], max_length=512)  # torch tensors
    ids = tok.encode_batch(["Une phrase."], max_length=512)     # list[list[int]]
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import sacremoses
from transformers import FlaubertTokenizer
from transformers.models.flaubert.tokenization_flaubert import (
    remove_non_printing_char,
    replace_unicode_punct,
)

logger = logging.getLogger(__name__)

# Literal that must occur in the text for each punct-normaliser rule to change
# anything. Keyed by the exact sacremoses pattern; a rule missing here (e.g. a
# newer sacremoses) is simply always run, which stays exact.
_NORM_TRIGGERS: dict[str, str] = {
    r"\r": "\r",
    r"\(": "(",
    r"\)": ")",
    " +": "  ",  # a single space is replaced by itself: no-op
    r"\) ([.!:?;,])": ") ",
    r"\( ": "( ",
    r" \)": " )",
    r"(\d) %": " %",
    " :": " :",
    " ;": " ;",
    "`": "`",
    "''": "''",
    "„": "„",
    "“": "“",
    "”": "”",
    "–": "–",
    "—": "—",
    "´": "´",
    "([a-zA-Z])‘([a-zA-Z])": "‘",
    "([a-zA-Z])’([a-zA-Z])": "’",
    "‘": "‘",
    "‚": "‚",
    "’": "’",
    "´´": "´´",
    "…": "…",
    "\xa0«\xa0": "«",
    "«\xa0": "«",
    "«": "«",
    "\xa0»\xa0": "»",
    "\xa0»": "»",
    "»": "»",
    "\xa0%": "\xa0",
    "nº\xa0": "\xa0",
    "\xa0:": "\xa0",
    "\xa0ºC": "\xa0",
    "\xa0cm": "\xa0",
    "\xa0\\?": "\xa0",
    "\xa0\\!": "\xa0",
    "\xa0;": "\xa0",
    ",\xa0": "\xa0",
    ',"': ',"',
    r'(\.+)"(\s*[^<])': '."',
    "(\\d)\xa0(\\d)": "\xa0",
}

# Characters that replace_unicode_punct() rewrites; absent -> it is a no-op.
_UNICODE_PUNCT = re.compile("[，。、”“∶：？《》）！（；１」「０３２５６９７８４．～’…━〈〉【】％]")


class FastFlaubertTokenizer:
    """Drop-in for ``FlaubertTokenizer(texts, truncation=True, max_length=n)``."""

    def __init__(self, reference: FlaubertTokenizer, memo_limit: int = 1_000_000) -> None:
        # Everything (lowercasing, vocab, merges, special ids, sides) comes from
        # the reference instance, so config handling is HF's own.
        self.reference = reference
        self.do_lowercase: bool = bool(reference.do_lowercase)
        self.bos_id: int = reference.bos_token_id
        self.sep_id: int = reference.sep_token_id
        self.pad_id: int = reference.pad_token_id
        self.padding_side: str = reference.padding_side
        self.truncation_side: str = reference.truncation_side
        self.unk_id: int = reference.encoder.get(reference.unk_token)
        added_vocab: dict[str, int] = reference.get_added_vocab()
        self.token_to_id: dict[str, int] = {**reference.encoder, **added_vocab}
        self.bpe_ranks: dict[tuple[str, str], int] = reference.bpe_ranks
        self.n_fallback = 0
        self.memo_limit = memo_limit
        self._memo: dict[str, list[int]] = {}
        self._rust = rust_bpe(reference.encoder, self.bpe_ranks, reference.unk_token, self.token_to_id)
        added = sorted(added_vocab, key=len, reverse=True)
        self._added = re.compile("|".join(map(re.escape, added))) if added else None

        norm = sacremoses.MosesPunctNormalizer(lang="fr")  # as reference.moses_punct_norm
        self._norm_rules = [(re.compile(p), r, _NORM_TRIGGERS.get(p)) for p, r in norm.substitutions]
        self._moses = sacremoses.MosesTokenizer(lang="fr")  # as reference.moses_tokenize
        m = self._moses
        self._nb_prefixes = frozenset(m.NONBREAKING_PREFIXES)
        self._numeric_only = frozenset(m.NUMERIC_ONLY_PREFIXES)
        self._alpha = frozenset(m.IsAlpha)
        self._lower = frozenset(m.IsLower)

    @classmethod
    def from_folder(cls, path: str | Path, **kwargs: Any) -> FastFlaubertTokenizer:
        """Load from a folder holding vocab.json, merges.txt, tokenizer_config.json."""
        ref = FlaubertTokenizer.from_pretrained(str(path), local_files_only=True)
        return cls(ref, **kwargs)

    # -- text -> Moses tokens, mirroring FlaubertTokenizer._tokenize -----------
    def _moses_tokens(self, text: str) -> list[str]:
        # preprocess_text
        text = text.replace("``", '"').replace("''", '"')
        text = unicodedata.normalize("NFC", text)
        if self.do_lowercase:
            text = text.lower()
        # moses_pipeline
        if _UNICODE_PUNCT.search(text):
            text = replace_unicode_punct(text)
        for pat, repl, trig in self._norm_rules:  # MosesPunctNormalizer.normalize
            if trig is None or trig in text:
                text = pat.sub(repl, text)
        text = text.strip()
        if not text.isprintable():  # only then can a category-C char be present
            text = remove_non_printing_char(text)
        return self._tokenize(text)

    def _tokenize(self, text: str) -> list[str]:
        """sacremoses MosesTokenizer.tokenize(lang='fr', escape=False), guarded."""
        m = self._moses
        # DEDUPLICATE_SPACE, ASCII_JUNK (a no-op: category C is already gone), strip
        text = " ".join(text.split())
        pat, repl = m.PAD_NOT_ISALNUM
        text = pat.sub(repl, text)
        if ".." in text:
            text = m.replace_multidots(text)
        if "," in text:
            for pat, repl in (m.COMMA_SEPARATE_1, m.COMMA_SEPARATE_2, m.COMMA_SEPARATE_3):
                text = pat.sub(repl, text)
        if "'" in text:
            text = self._apostrophes(text)
        if "." in text:  # otherwise handles_nonbreaking_prefixes only re-joins spaces
            text = self._nonbreaking(text)
        text = " ".join(text.split())  # DEDUPLICATE_SPACE + strip
        if ".'" in text:
            pat, repl = m.TRAILING_DOT_APOSTROPHE
            text = pat.sub(repl, text)
        if "MULTI" in text:
            text = m.restore_multidots(text)
        return text.split()

    def _apostrophes(self, text: str) -> str:
        """The four FR_IT_SPECIFIC_APOSTROPHE substitutions (the costliest regexes).

        When every apostrophe has a character on both sides and apostrophes are
        >= 3 apart, no two matches overlap and no rule alters another
        apostrophe's neighbours, so each one is decided by its own neighbours:
        alpha'alpha -> "alpha' alpha", anything else -> " ' ". Other layouts run
        the regexes. tests/test_fast_tokenizer.py checks this exhaustively.
        """
        parts = text.split("'")
        if parts[0] and parts[-1] and all(len(p) >= 2 for p in parts[1:-1]):
            alpha = self._alpha
            out = [parts[0]]
            for left, right in zip(parts, parts[1:]):
                out.append("' " if left[-1] in alpha and right[0] in alpha else " ' ")
                out.append(right)
            return "".join(out)
        for pat, repl in self._moses.FR_IT_SPECIFIC_APOSTROPHE:
            text = pat.sub(repl, text)
        return text

    def _nonbreaking(self, text: str) -> str:
        """handles_nonbreaking_prefixes with prebuilt sets (same decisions)."""
        tokens = text.split()
        last = len(tokens) - 1
        for i, token in enumerate(tokens):
            if len(token) < 2 or token[-1] != ".":  # re.search(r"^(\S+)\.$")
                continue
            prefix = token[:-1]
            if (
                ("." in prefix and not self._alpha.isdisjoint(prefix))
                or (prefix in self._nb_prefixes and prefix not in self._numeric_only)
                or (i != last and tokens[i + 1] and tokens[i + 1][0] in self._lower)
            ):
                continue
            if prefix in self._numeric_only and i < last and "0" <= tokens[i + 1][0] <= "9":
                continue
            tokens[i] = prefix + " ."
        return " ".join(tokens)

    # -- ids -------------------------------------------------------------------
    def _bpe(self, token: str) -> list[str]:
        """FlaubertTokenizer.bpe without its set/min/lambda overhead.

        Same algorithm: merge every left-to-right occurrence of the lowest-rank
        adjacent pair until none is in the merge table (ranks are unique).
        """
        ranks = self.bpe_ranks
        word = [*token[:-1], token[-1] + "</w>"]
        while len(word) > 1:
            best = None
            for pair in zip(word, word[1:]):
                rank = ranks.get(pair)
                if rank is not None and (best is None or rank < best):
                    best, first, second = rank, pair[0], pair[1]
            if best is None:
                break
            merged, i, n = [], 0, len(word)
            while i < n:
                if word[i] == first and i + 1 < n and word[i + 1] == second:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        return word

    def _bpe_ids(self, words: list[str]) -> list[list[int]]:
        """Ids of each word's BPE pieces; HF's _convert_token_to_id_with_added_voc (added, vocab, else unk)."""
        if self._rust is not None:
            try:
                return self._rust(words)
            except Exception as error:  # never guess: the Python loop is the reference's algorithm
                logger.warning("Rust BPE failed (%s); using the Python BPE loop from now on", error)
                self._rust = None
        get, unk = self.token_to_id.get, self.unk_id
        return [[get(piece, unk) for piece in self._bpe(word)] for word in words]

    def _words(self, text: str) -> list[str] | None:
        """Moses tokens of ``text``, or None when the reference must tokenize it."""
        if isinstance(text, str) and not (self._added and self._added.search(text)):
            try:
                return self._moses_tokens(text)
            except Exception:  # never guess: let the reference decide
                pass
        return None

    def _ids_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Ids without special tokens, exactly as the reference's tokenize(), per text."""
        tokens = [self._words(text) for text in texts]
        memo = self._memo
        seen = set().union(*filter(None, tokens))
        new = seen.difference(memo)
        if new:
            if len(memo) + len(new) > self.memo_limit:
                memo.clear()
                new = seen
            ordered = sorted(new)
            memo.update(zip(ordered, self._bpe_ids(ordered)))
        lookup, chain = memo.__getitem__, itertools.chain.from_iterable
        out: list[list[int]] = []
        for text, words in zip(texts, tokens):
            if words is None:
                self.n_fallback += 1
                ids = self.reference.convert_tokens_to_ids(self.reference.tokenize(text))
                out.append(ids if isinstance(ids, list) else [ids])
            else:
                out.append(list(chain(map(lookup, words))))
        return out

    def encode_batch(self, texts: Sequence[str], max_length: int) -> list[list[int]]:
        """Same as ``FlaubertTokenizer(texts, truncation=True, max_length=max_length)["input_ids"]``."""
        out = []
        for ids in self._ids_batch(texts):
            extra = len(ids) + 2 - max_length
            if max_length and extra > 0:  # HF truncate_sequences, single sequence
                ids = ids[extra:] if self.truncation_side == "left" else ids[:-extra]
            out.append([self.bos_id, *ids, self.sep_id])
        return out

    def __call__(
        self,
        texts: str | Sequence[str],
        max_length: int = 512,
        return_tensors: str | None = "pt",
        padding: bool | str = True,
        truncation: bool = True,
    ) -> dict[str, Any]:
        """Batch dict like ``tokenizer(texts, padding=True, truncation=True, ...)``."""
        if not truncation:
            raise ValueError("FastFlaubertTokenizer always truncates to max_length")
        batch = self.encode_batch([texts] if isinstance(texts, str) else list(texts), max_length)
        width = max(map(len, batch), default=0)
        if padding == "max_length":
            width = max(width, max_length)
        elif not padding or padding == "do_not_pad":
            width = 0
        ids_out, mask_out = [], []
        for ids in batch:
            n_pad = max(width - len(ids), 0)
            mask = [1] * len(ids)
            if self.padding_side == "left":
                ids, mask = [self.pad_id] * n_pad + ids, [0] * n_pad + mask
            else:
                ids, mask = ids + [self.pad_id] * n_pad, mask + [0] * n_pad
            ids_out.append(ids)
            mask_out.append(mask)
        if return_tensors == "pt":
            import torch

            return {
                "input_ids": torch.tensor(ids_out, dtype=torch.long),
                "attention_mask": torch.tensor(mask_out, dtype=torch.long),
            }
        if return_tensors == "np":
            import numpy as np

            return {
                "input_ids": np.array(ids_out, dtype=np.int64),
                "attention_mask": np.array(mask_out, dtype=np.int64),
            }
        return {"input_ids": ids_out, "attention_mask": mask_out}


def rust_bpe(vocab: dict[str, int], ranks: dict[tuple[str, str], int], unk_token: str, token_to_id: dict[str, int]):
    """A callable ``words -> ids per word`` running ``tokenizers``' Rust BPE, or None where it could differ.

    The reference loop merges, at each step, every left-to-right occurrence of the lowest-rank pair;
    the Rust model pops (rank, position) from a queue, so a pair a merge creates can jump ahead of the
    remaining occurrences of the pair that created it. That changes the result only if such a new
    pair ranks *before* its creator, which a learned merge table never has (a merge's parts are made
    by earlier merges). This is checked on the table itself. Pieces are mapped to ids as the
    reference does (missing -> unk): merge parts missing from the vocab get placeholder ids first,
    as the Rust model requires them.
    """
    try:
        from tokenizers import Tokenizer, models
    except ImportError:
        return None
    merges = sorted(ranks, key=ranks.__getitem__)
    unk_id = vocab.get(unk_token)
    if unk_id is None or token_to_id.get(unk_token) != unk_id or [ranks[m] for m in merges] != list(range(len(merges))):
        return None
    made_at: dict[str, int] = {}  # token -> the latest rank of a merge making it
    for rank, (a, b) in enumerate(merges):
        made_at[a + b] = rank
    if any(made_at.get(part, -1) >= rank for rank, pair in enumerate(merges) for part in pair):
        return None
    extended, placeholder = dict(vocab), itertools.count(max(vocab.values(), default=-1) + 1)
    for token in itertools.chain.from_iterable((a, b, a + b) for a, b in merges):
        if token not in extended:
            extended[token] = next(placeholder)
    final = np.full(max(extended.values()) + 1, unk_id, dtype=np.int64)
    for token, rust_id in extended.items():
        final[rust_id] = token_to_id.get(token, unk_id)
    try:
        tokenizer = Tokenizer(
            models.BPE(
                extended, merges, unk_token=unk_token, end_of_word_suffix="</w>", fuse_unk=False, ignore_merges=False
            )
        )
    except Exception:  # e.g. an older tokenizers without these options: the Python loop stays exact
        return None
    return _RustBPE(tokenizer, final)


class _RustBPE:
    """``words -> ids per word`` with a ``tokenizers`` BPE model (a class, so the tokenizer still pickles)."""

    def __init__(self, tokenizer, final: np.ndarray) -> None:
        self.tokenizer, self.final = tokenizer, final  # final: Rust id -> the reference's id

    def __call__(self, words: list[str]) -> list[list[int]]:
        if not words:
            return []
        encoding = self.tokenizer.encode(words, is_pretokenized=True, add_special_tokens=False)
        ids = self.final[np.asarray(encoding.ids, dtype=np.int64)]
        word = np.asarray(encoding.word_ids, dtype=np.int64)
        if len(word) == 0 or word[0] != 0 or word[-1] != len(words) - 1 or np.any(np.diff(word) > 1):
            raise RuntimeError("Rust BPE skipped a word")  # cannot happen for non-empty words
        return [part.tolist() for part in np.split(ids, np.flatnonzero(np.diff(word)) + 1)]
