"""FastFlaubertTokenizer must give exactly the ids of transformers' FlaubertTokenizer.

Each test compares against the reference tokenizer built from the same folder,
so the examples below double as a spec of what "same ids" means.
"""

from __future__ import annotations

import csv
import itertools
import pickle
import random
import re
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
if str(ROOT) not in sys.path:  # run from a plain checkout, package not installed
    sys.path.insert(0, str(ROOT))

pytest.importorskip("sacremoses", reason="FlaubertTokenizer (the reference) needs sacremoses")
from transformers import FlaubertTokenizer  # noqa: E402

from flaucluster.embed.fast_tokenizer import FastFlaubertTokenizer, rust_bpe  # noqa: E402

# flaubert_tokenizer/ says "do_lower_case" (ignored by FlaubertTokenizer: no
# lowercasing); bertheo-shaped-tiny/ says "do_lowercase" (lowercases). Test both.
FOLDERS = {
    "flaubert_base_uncased": SHARED / "flaubert_tokenizer",
    "bertheo": SHARED / "models" / "bertheo-shaped-tiny",
}
STSB_TEST = SHARED / "stsb-fr" / "stsb-fr-test.csv"

HARD_CASES = [
    "",
    "   ",
    "L’étudiant·e s’inscrit au cours « Python avancé » aujourd’hui.",
    "Les apprenant·e·s et étudiant.e.s rencontrent le/la formateur(trice).",
    "Prix\xa0: 12,50\xa0€ ; remise\xa0de 3,5\xa0% ! Vraiment\xa0? «\xa0Oui\xa0»",
    "Voir https://www.exemple.fr/cours?id=42&lang=fr ou écrire à contact@exemple.fr #python @moi",
    "Réunion à 14h30... puis pause… et reprise.. enfin....",
    "C'est l'été ; qu'en pense-t-il ? « Très bien » dit-elle.",
    "ÉCOLE NATIONALE SUPÉRIEURE D'ARTS ET MÉTIERS – ÉDITION 2024 — PARIS",
    "\n\tTabulations\tet\nretours\r\nà la ligne\n",
    "J'adore 😀👍🏽 !! Les émojis ✨ passent-ils ?",
    "M. Dupont et Mme. Durand, p. ex. vol. 3, art. 12. Voir cf. No. 5 et St. Malo.",
    "Le 1er janvier 2024, π vaut 3.14159 ou 3,14159 et 1 000 000 de personnes (10 %).",
    "pré-requis, porte-monnaie, rendez-vous, Jean-Pierre, -5 °C, 2-3 jours",
    "\"Bonjour\", dit-il. ``Salut'' 'ok' l'' ''d' a'b'c ' début fin '",
    "Ⅳ ﬁn e\u0301te\u0301 İstanbul STRASSE ß ǅ",
    "（test）：１２３？ 【note】 〈a〉 ～ ━",
    "cor\u00adrect\u200bement, espace\u202ffine et\u2009fine",
    "DOTMULTI. ... .. test... U.S.A. e.g. i.e. A.B.C.",
    "x < 3 > 2 & y | z [a] {b} $5 £3 ^_^ \\o/ * + =",
    "<s> balise spéciale </s> et <special1> au milieu <pad>",
]


def stsb_test_sentences() -> list[str]:
    with open(STSB_TEST, encoding="utf-8", newline="") as f:
        return [s for row in csv.reader(f) for s in (row[0], row[1])]


@pytest.fixture(scope="module", params=list(FOLDERS))
def pair(request) -> tuple[FlaubertTokenizer, FastFlaubertTokenizer]:
    folder = FOLDERS[request.param]
    if not (folder / "vocab.json").exists():
        pytest.skip(f"shared tokenizer assets missing: {folder}")
    return FlaubertTokenizer.from_pretrained(str(folder)), FastFlaubertTokenizer.from_folder(folder)


def reference_ids(ref: FlaubertTokenizer, texts: list[str], max_length: int) -> list[list[int]]:
    return ref(texts, truncation=True, max_length=max_length)["input_ids"]


def test_lowercasing_follows_flaubert_tokenizer(pair):
    ref, fast = pair
    assert fast.do_lowercase == ref.do_lowercase
    assert fast.encode_batch(["Bonjour"], 512) == reference_ids(ref, ["Bonjour"], 512)


def test_every_stsb_fr_test_sentence_is_exact(pair):
    if not STSB_TEST.exists():
        pytest.skip(f"stsb-fr test split missing: {STSB_TEST}")
    ref, fast = pair
    texts = stsb_test_sentences()
    assert len(texts) > 2000  # all rows, both columns
    before = fast.n_fallback
    assert fast.encode_batch(texts, max_length=512) == reference_ids(ref, texts, 512)
    assert fast.encode_batch(texts, max_length=16) == reference_ids(ref, texts, 16)
    assert fast.n_fallback == before  # plain French never needs the reference


@pytest.mark.parametrize("text", HARD_CASES)
def test_hard_cases_are_exact(pair, text):
    ref, fast = pair
    for max_length in (512, 8):
        assert fast.encode_batch([text], max_length) == reference_ids(ref, [text], max_length)


def test_special_token_strings_take_the_counted_fallback(pair):
    ref, fast = pair
    text = "<s> balise </s>"
    before = fast.n_fallback
    assert fast.encode_batch([text], 512) == reference_ids(ref, [text], 512)
    assert fast.n_fallback == before + 1


def test_long_text_truncation(pair):
    ref, fast = pair
    words = "La formation « Data & IA » s’adresse aux apprenant·e·s, 3,5 jours (21 h)."
    text = " ".join([words] * 200)
    for max_length in (512, 64, 3, 2, 1):
        assert fast.encode_batch([text], max_length) == reference_ids(ref, [text], max_length)


def test_call_pads_like_hf(pair):
    ref, fast = pair
    texts = ["Un chat.", "", "Une phrase nettement plus longue que les autres, non ?"]
    got = fast(texts, max_length=12, return_tensors="pt")
    want = ref(texts, padding=True, truncation=True, max_length=12, return_tensors="pt")
    assert got["input_ids"].tolist() == want["input_ids"].tolist()
    assert got["attention_mask"].tolist() == want["attention_mask"].tolist()
    assert int(got["input_ids"][1, -1]) == ref.pad_token_id


def test_apostrophe_rewrite_matches_moses_regexes_exhaustively(pair):
    # Only alpha / non-alpha / "'" matter to the four rules: all strings up to
    # length 8 over that alphabet cover every local interaction.
    _, fast = pair
    rules = fast._moses.FR_IT_SPECIFIC_APOSTROPHE
    for n in range(1, 9):
        for chars in itertools.product("a '1", repeat=n):
            text = "".join(chars)
            want = text
            for pat, repl in rules:
                want = pat.sub(repl, want)
            assert fast._apostrophes(text) == want, text


def test_nonbreaking_prefix_rewrite_matches_sacremoses(pair):
    _, fast = pair
    tokens = ["M.", "p.", "No.", "no.", "a.b.", "1.", "5", "x", "X", "é", "..", ".", "etc."]
    for n in range(1, 4):
        for seq in itertools.product(tokens, repeat=n):
            text = " ".join(seq)
            assert fast._nonbreaking(text) == fast._moses.handles_nonbreaking_prefixes(text), text


def test_character_guards_only_skip_no_ops():
    """Stages skipped on a character test are no-ops when the test says so."""
    from transformers.models.flaubert.tokenization_flaubert import replace_unicode_punct

    from flaucluster.embed.fast_tokenizer import _UNICODE_PUNCT

    for cp in range(0x110000):
        c = chr(cp)
        # isprintable() => no Unicode category C char (remove_non_printing_char no-op)
        assert not (c.isprintable() and unicodedata.category(c).startswith("C")), hex(cp)
        # re's \s (DEDUPLICATE_SPACE) is str.split()'s whitespace
        assert (re.match(r"\s", c) is not None) == c.isspace(), hex(cp)
        if cp < 0x10000 and not _UNICODE_PUNCT.match(c):
            assert replace_unicode_punct(c) == c, hex(cp)


def test_punct_normaliser_guards_only_skip_no_ops(pair):
    """Without its trigger literal, a MosesPunctNormalizer rule changes nothing."""
    _, fast = pair
    alphabet = list(" ()\r.!:?;,%`'\"<„“”–—´‘’‚…«»\xa0nºCcmaZ1x") + ["  ", "''", "\xa0"]
    rng = random.Random(0)
    samples = ["".join(rng.choices(alphabet, k=rng.randint(0, 10))) for _ in range(3000)]
    for pat, repl, trig in fast._norm_rules:
        assert trig is not None, pat.pattern  # every current sacremoses rule is guarded
        for text in samples:
            if trig not in text:
                assert pat.sub(repl, text) == text, (pat.pattern, text)


def test_bpe_rewrite_matches_reference_on_whole_vocab(pair):
    ref, fast = pair
    words = {w[: -len("</w>")] if w.endswith("</w>") else w for w in ref.encoder}
    words = sorted(w for w in words if w and not w.isspace())
    assert all(fast._bpe(w) == ref.bpe(w).split(" ") for w in words)


def corpus_words(fast: FastFlaubertTokenizer) -> list[str]:
    """Every distinct Moses token of stsb-fr (all splits) and data/cours_fr.csv."""
    texts = []
    for path in sorted((SHARED / "stsb-fr").glob("stsb-fr-*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            texts += [s for row in csv.reader(f) for s in row[:2]]
    cours = ROOT / "data" / "cours_fr.csv"
    if cours.exists():
        with open(cours, encoding="utf-8", newline="") as f:
            texts += [row.get(col) or "" for row in csv.DictReader(f) for col in ("title", "description")]
    return sorted({w for text in texts if (words := fast._words(text)) for w in words})


def test_rust_bpe_gives_the_python_loops_ids_on_vocab_and_corpus(pair):
    ref, fast = pair
    assert fast._rust is not None  # this merge table satisfies rust_bpe's condition
    vocab = {w[: -len("</w>")] if w.endswith("</w>") else w for w in ref.encoder}
    corpus = corpus_words(fast)
    assert len(corpus) > 15_000
    words = sorted({w for w in vocab if w and not w.isspace()} | set(corpus))
    python_ids = [[fast.token_to_id.get(p, fast.unk_id) for p in fast._bpe(w)] for w in words]
    assert fast._rust(words) == python_ids


def test_rust_bpe_is_refused_where_a_merge_uses_a_later_merges_result():
    # ("ab", "c") ranks before the ("a", "b") merge that makes "ab": the reference loop and the Rust
    # queue could merge in different orders, so the Python loop must be used.
    vocab = {t: i for i, t in enumerate(["<unk>", "a", "b", "c", "c</w>", "ab", "abc</w>"])}
    ranks = {("ab", "c</w>"): 0, ("a", "b"): 1}
    assert rust_bpe(vocab, ranks, "<unk>", vocab) is None
    in_order = rust_bpe(vocab, {("a", "b"): 0, ("ab", "c</w>"): 1}, "<unk>", vocab)
    assert in_order(["abc", "cab"]) == [[6], [3, 1, 0]]  # "b</w>" is not in the vocab: unk, as the reference


def test_a_failing_rust_bpe_hands_over_to_the_python_loop(pair):
    ref, fast = pair
    tok = FastFlaubertTokenizer(ref)

    def broken(words):
        raise RuntimeError("simulated")

    tok._rust = broken
    texts = ["Une formation inédite en éco-conception."]
    assert tok.encode_batch(texts, 512) == reference_ids(ref, texts, 512)
    assert tok._rust is None


def test_the_tokenizer_pickles(pair):
    ref, fast = pair
    copy = pickle.loads(pickle.dumps(fast))
    texts = ["L'atelier « cuisine zéro déchet » commence lundi."]
    assert copy._rust is not None and copy.encode_batch(texts, 512) == reference_ids(ref, texts, 512)


def test_a_full_memo_is_emptied_and_ids_stay_exact(pair):
    ref, fast = pair
    texts = ["Le cours de mathématiques.", "Un autre cours, d'histoire cette fois.", "Mathématiques !"]
    small = FastFlaubertTokenizer(ref, memo_limit=4)
    for text in texts:
        assert small.encode_batch([text], 512) == reference_ids(ref, [text], 512)
        assert len(small._memo) <= max(4, len(small._words(text)))


def test_cours_fr_if_present(pair):
    path = ROOT / "data" / "cours_fr.csv"
    if not path.exists():
        pytest.skip("data/cours_fr.csv not written yet")
    ref, fast = pair
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(itertools.islice(csv.DictReader(f), 2000))
    texts = [row.get(col) or "" for row in rows for col in ("title", "description")]
    assert fast.encode_batch(texts, 512) == reference_ids(ref, texts, 512)
