"""Cluster labels a person understands: keywords, representative sentences, short names.

Keywords: French-aware 1–3-word phrases (:mod:`flaucluster.french`) counted by scikit-learn's
``CountVectorizer`` and weighted class-based TF-IDF style, ``tf(t, c) * log(1 + A / f(t))``
(A: mean words per cluster, f: the term's frequency over all clusters). Then twins are
removed (all forms of a word share one key; a word inside a kept phrase is dropped when
the phrase accounts for most of its uses) and, when the keyword embeddings are given,
MMR trades c-TF-IDF relevance against redundancy between keywords.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

import numpy as np
from scipy import sparse

from . import french, lexicon
from .cluster import OUTLIER
from .gender import inclusive_form, person_words

_MMR_POOL = (
    30  # candidates MMR chooses the shown keywords from: enough to find diverse ones, few enough to stay on topic
)
_SCAN_FACTOR = 6  # terms looked at per keyword wanted: twins and sub-phrases are dropped on the way
_COVERS = 0.6  # a phrase used in this share of a word's uses stands for the word (and the reverse)
_SAME_TEXT = 0.95  # representatives closer than this cosine are near-duplicates of one another
_REPRESENTATIVE_SCAN = 1024  # a cluster's best rows looked at for representatives that are not near-duplicates
_NAME_POOL = 10  # the heaviest keywords (c-TF-IDF) a name is chosen from: frequent but generic words stay out
_NAME_COVER = 1 / 3  # with an encoder, the name is the closest in meaning among phrases covering this share of the best
_PHRASE_OVER_WORD = 0.6  # a phrase scoring this share of its head word's F1 names the cluster instead
_COMMON_FORM = 0.25  # a surface form seen at least this share as often as the commonest can be shown
_MIN_SUPPORT = 2  # rows of a group that must use a phrase for it to name the group: one row's phrase is no name
_MODIFIER = 0.8  # a lowercase word written right after another content word in this share of its uses qualifies
_MODIFIER_USES = 3  # ... judged from this many uses at least
_WIDER = 2  # a name used by this many times the rows of another, and by most of them (_WITHIN), is wider
_WITHIN = 0.8
_FAMILY_COVER = 0.5  # a family (data/fr/families.txt) names a group when its words are in this share of the rows
_FAMILY_LEAD = 0.75  # ... and its most used member is in less than this share of those rows


# What the analyser found in each text (keys, (key, surface) pairs, feminine keys), kept for this
# process by settings: a re-fit, or a second pass over the same texts, replays instead of analysing.
_Analysed = tuple[list[str], list[tuple[str, str]], frozenset[str]]
_ANALYSED: dict[tuple, dict[str, _Analysed]] = {}
_TOKEN_KEYS: dict[tuple, dict[str, tuple[str | None, bool]]] = {}
_INITIAL = "\x00"  # marks a surface written at a clause's start: tokens never hold this character
_MEMO_TEXTS = 200_000  # texts per setting before the memo starts again
MAX_DOCS = 10_000  # label_clusters' default sample for keyword counts: thousands of rows per cluster is plenty

logger = logging.getLogger(__name__)


@dataclass
class Topic:
    """What a person reads about one cluster."""

    cluster: int
    size: int
    name: str
    keywords: list[tuple[str, float]]  # (display form, weight), best first
    representatives: list[str]  # most central distinct sentences
    representative_rows: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**asdict(self), "keywords": [[k, round(w, 5)] for k, w in self.keywords]}


class FrenchPhraseAnalyzer:
    """Callable for ``CountVectorizer(analyzer=...)``: folded keys of content words and phrases.

    Phrases are 1–``max_words`` content words in one clause, with at most one stopword between
    neighbours ("droit du travail", "gestion d'équipe"). Keys are lemma keys joined by spaces;
    the analyzer remembers the surface forms seen for each key, to show the most common one.
    ``known`` (:func:`analyse_texts`, made with the same settings) gives texts already analysed.
    """

    def __init__(
        self,
        stop_words: Iterable[str],
        gender_pairs: dict[str, str] | None = None,
        max_words: int = 3,
        *,
        known: Analyses | None = None,
    ):
        self.stop_words = frozenset(stop_words)
        self.gender_pairs = gender_pairs
        self.max_words = max_words
        self.surfaces: dict[str, Counter] = defaultdict(Counter)
        # the part of ``surfaces`` written at the start of a clause, first letter lowered: no evidence of case
        self.initial: dict[str, Counter] = defaultdict(Counter)
        self.feminine_seen: set[str] = set()
        settings = (self.stop_words, tuple(sorted((gender_pairs or {}).items())), max_words)
        self.settings = settings
        self._keys: dict[str, tuple[str | None, bool]] = _TOKEN_KEYS.setdefault(settings[:2], {})
        self._texts: dict[str, _Analysed] = _ANALYSED.setdefault(settings, {})
        if known is not None and known.settings != settings:
            logger.info("analyses made with other settings: the texts are analysed here")
        elif known is not None and len(self._texts) + len(known.texts) <= _MEMO_TEXTS:
            self._texts.update(known.texts)  # replayed by __call__ instead of analysed again

    def _key(self, token: str) -> tuple[str | None, bool]:
        """(folded key of a token or None for a non-content word, whether it is a feminine form);
        memoised: corpora repeat words a lot."""
        token = token.lower()
        if token not in self._keys:
            self._keys[token] = self._compute_key(token)
        return self._keys[token]

    def _compute_key(self, token: str) -> tuple[str | None, bool]:
        if french.is_stopword(token, self.stop_words) or not any(c.isalpha() for c in token):
            return None, False
        if french.is_numeral(token) or french.is_verb_form(french.restore_accents(token)):
            return None, False
        key = french.lemma_key(token, self.gender_pairs)
        if key in french.stop_keys(self.stop_words) or len(key) < 2:
            return None, False
        stem = token.removesuffix("s")
        return key, key != stem and french.masculine(stem, self.gender_pairs) != stem

    def __call__(self, text: str) -> list[str]:
        """The keys of ``text``; a text analysed before in this process (same settings) is replayed."""
        done = self._texts.get(text)
        if done is None:
            done = self._analyse(text)
            if len(self._texts) >= _MEMO_TEXTS:
                self._texts.clear()
            self._texts[text] = done
        keys, surfaces, feminine = done
        for key, surface in surfaces:
            if surface[:1] == _INITIAL:
                surface = surface[1:]
                self.initial[key][surface] += 1
            self.surfaces[key][surface] += 1
        self.feminine_seen |= feminine
        return list(keys)

    def _analyse(self, text: str) -> _Analysed:
        folded = french.fold_inclusive(text, self.gender_pairs)
        feminine = set(french.inclusive_keys(text, self.gender_pairs)) if folded != text else set()
        out: list[str] = []
        surfaces: list[tuple[str, str]] = []
        known = self._keys
        for seg in french.segments(folded):
            lowered = seg[0][:1].isupper() and seg[0][1:].islower()
            if lowered:
                seg[0] = seg[0].lower()  # a clause-initial capital is positional, not part of the word
            seg = french.unshout_words(seg)  # a clause typed in capitals says no case
            info = [known.get(t.lower()) or self._key(t) for t in seg]  # memoised keys looked up inline: hot
            feminine.update(k for k, fem in info if fem and k is not None)
            keys = [k for k, _ in info]
            for i, ki in enumerate(keys):
                if ki is None:
                    continue
                phrase_keys, gap = [ki], 0
                initial = lowered and i == 0
                self._emit(out, surfaces, phrase_keys, seg[i : i + 1], initial)
                for j in range(i + 1, len(seg)):
                    if len(phrase_keys) == self.max_words:
                        break
                    kj = keys[j]
                    if kj is None:
                        gap += 1
                        if gap > 1 or seg[j].lower() not in french.LINK_WORDS:
                            break
                        continue
                    phrase_keys.append(kj)
                    gap = 0
                    self._emit(out, surfaces, phrase_keys, seg[i : j + 1], initial)
        return out, surfaces, frozenset(feminine)

    @staticmethod
    def _emit(
        out: list[str], surfaces: list[tuple[str, str]], keys: list[str], tokens: list[str], initial: bool
    ) -> None:
        if len(set(keys)) < len(keys):  # "formation formation" style repeats add nothing
            return
        key = " ".join(keys)
        out.append(key)
        surfaces.append((key, _INITIAL + _join(tokens) if initial else _join(tokens)))

    def display(self, key: str) -> str:
        """A readable form of ``key``: the common surface, singular when written so, with its usual
        case (``RH``, ``Python``) but not a sentence-initial capital; a person noun seen in both
        genders shows as ``conducteur·rice``."""
        forms = self.surfaces.get(key)
        text = _best_surface(forms, key.split(" "), self.initial.get(key)) if forms else key
        parts = text.split(" ")
        persons = person_words(self.gender_pairs)
        for i, word in enumerate(parts):
            if word.endswith("'"):
                continue
            wkey = french.lemma_key(word, self.gender_pairs)
            if wkey in self.feminine_seen and wkey in persons:
                parts[i] = inclusive_form(persons[wkey], self.gender_pairs)
            elif word.isascii():  # only ever seen without accents ("Ecole"): as the dictionary spells it, each
                parts[i] = french.restore_spelling(word)  # letter in its written case ("PostgreSQL", "d'École")
            if french.is_shouted(parts[i]):
                parts[i] = parts[i].lower()
        if any(p.islower() for p in parts):  # "école DE commerce": the small words of a shouted phrase too
            parts = [p.lower() if p.lower() in french.LINK_WORDS else p for p in parts]
        return " ".join(parts).replace("' ", "'")


@dataclass(frozen=True)
class Analyses:
    """What :func:`analyse_texts` found: the analyser's settings, and each distinct text's analysis."""

    settings: tuple
    texts: dict[str, _Analysed]


def analyse_texts(
    texts: Iterable[str],
    *,
    stop_words: Iterable[str] | None = None,
    extra_stop_words: Iterable[str] = (),
    gender_pairs: dict[str, str] | None = None,
) -> Analyses:
    """Analyse ``texts`` as :func:`label_clusters` will with the same settings, before any cluster exists:
    run in a helper process (:mod:`flaucluster.offload`) while the main one clusters, then given to
    ``label_clusters(..., analyses=...)`` (the result or its future). The words of a text do not depend on
    its cluster."""
    analyzer = FrenchPhraseAnalyzer(french.stop_set(stop_words, extra_stop_words), gender_pairs)
    distinct = list(dict.fromkeys(texts))
    for text in distinct:
        analyzer(text)
    return Analyses(analyzer.settings, {text: analyzer._texts[text] for text in distinct})


def warm_up() -> None:
    """Load what the analysis reads (the lemma dictionary, the accent index): a helper process does this while
    the main one starts, before the texts arrive."""
    french.lemma_key(french.restore_accents("ecoles"))


def _ready(analyses: Analyses | Future | None) -> Analyses | None:
    """``analyses`` itself, or the result of its future once there (waited for); None when the call failed
    (the helper process died or could not run it): the texts are then analysed here, with the same result."""
    if not isinstance(analyses, Future):
        return analyses
    try:
        return analyses.result()
    except Exception as exc:
        logger.info("the helper process did not analyse the texts (%s): analysing them here", exc)
        return None


def _best_surface(forms: Counter, key_words: list[str], initial: Counter | None = None) -> str:
    """The form of ``forms`` to show: spelling (accents, number) by all uses, case by the uses ``initial`` (those
    written at a clause's start, first letter lowered) leaves as evidence, when it leaves some."""
    # spellings that differ only by accents are one form, shown with its accents (Ecole, école -> école)
    accented: dict[str, str] = {}
    for form, _ in sorted(forms.items(), key=lambda kv: (-kv[1], kv[0])):
        plain = french.fold_key(form.lower())
        if plain not in accented or (accented[plain].isascii() and not form.isascii()):
            accented[plain] = form.lower()
    by_lower: dict[str, Counter] = defaultdict(Counter)
    cased: dict[str, Counter] = defaultdict(Counter)  # the same, from the uses that say something of case
    evidence = forms - initial if initial else forms
    for source, target in ((forms, by_lower), (evidence, cased)):
        for form, n in source.items():
            low = accented[french.fold_key(form.lower())]
            target[low][form if form.lower() == low else french.restore_case(form, low)] += n
    totals = {low: sum(c.values()) for low, c in by_lower.items()}
    top = max(totals.values())

    keys = set(key_words)

    def singular(low: str) -> int:  # words written exactly like their key: singular, masculine
        return sum(french.fold_key(w) in keys for w in low.split(" "))

    # ties broken by the text itself, never by the order rows came in
    low = max((l for l in totals if totals[l] >= _COMMON_FORM * top), key=lambda l: (singular(l), totals[l], l))
    variants = cased.get(low) or by_lower[low]
    best = max(variants.items(), key=lambda kv: (kv[1], kv[0]))[0]
    # a capital only at the start is usually a title or sentence start: show lower case when also written so
    if best != low and best[1:] == low[1:] and low in variants:
        return low
    return best


def _join(tokens: Sequence[str]) -> str:
    return " ".join(tokens).replace("' ", "'")


def fold_unknown_plurals(
    counts: sparse.csr_matrix, terms: list[str], surfaces: dict[str, Counter], *more: dict[str, Counter]
) -> tuple[sparse.csr_matrix, list[str]]:
    """Fold ``webinaires`` into ``webinaire`` when the lemmatiser knows neither but the corpus has both.

    Guarded like the suffix rules: only a word ending in ``-s`` that the dictionary does not know as a
    word of its own (``fils``, ``temps``, ``cours`` stay) and whose singular is itself a term."""
    words = {w for t in terms for w in t.split(" ")}
    singular = {
        w: w[:-1]
        for w in words
        if len(w) >= 4
        and w.endswith("s")
        and not w.endswith("ss")
        and w[:-1] in words
        and not french.is_known_word(french.restore_accents(w))
    }
    if not singular:
        return counts, terms
    mapped = [" ".join(singular.get(w, w) for w in t.split(" ")) for t in terms]
    new_terms = sorted(set(mapped))
    index = {t: i for i, t in enumerate(new_terms)}
    merge = sparse.csr_matrix(
        (np.ones(len(terms)), (np.arange(len(terms)), [index[t] for t in mapped])), shape=(len(terms), len(new_terms))
    )
    for old, new in zip(terms, mapped):
        for forms in (surfaces, *more):  # the surfaces, and any count kept beside them (clause starts)
            if old != new and old in forms:
                forms[new].update(forms[old])
    return (counts @ merge).tocsr(), new_terms


# ------------------------------------------------------------------------------- weighting
def class_sums(matrix: sparse.csr_matrix, labels: np.ndarray, clusters: Sequence[int]) -> np.ndarray:
    """clusters x terms: the rows of ``matrix`` added up per cluster (listed ids, rows labelled with them)."""
    if not len(labels):
        return np.zeros((len(clusters), matrix.shape[1]))
    onehot = sparse.csr_matrix(
        (np.ones(len(labels)), (np.searchsorted(clusters, labels), np.arange(len(labels)))),
        shape=(len(clusters), len(labels)),
    )
    return (onehot @ matrix).toarray()


def class_tfidf(
    counts: sparse.csr_matrix, labels: np.ndarray, clusters: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """(weights, class_counts), both clusters x terms, for the listed cluster ids."""
    if counts.shape[1] == 0:  # no content word survived: no weight to give
        empty = np.zeros((len(clusters), 0))
        return empty, empty
    class_counts = class_sums(counts, labels, clusters)
    from sklearn.preprocessing import normalize

    tf = normalize(class_counts, norm="l1")
    avg_words = class_counts.sum(1).mean() if len(class_counts) else 0.0
    freq = np.maximum(class_counts.sum(0), 1)
    return tf * np.log1p(avg_words / freq), class_counts


def select_keywords(
    weights: np.ndarray, counts: np.ndarray, terms: Sequence[str], *, n: int = 10, display: Callable[[str], str] = str
) -> list[tuple[str, float]]:
    """Top ``n`` twin-free keywords of one cluster, best c-TF-IDF weight first."""
    return [(display(terms[i]), float(weights[i])) for i in select_terms(weights, counts, terms, n=n)]


def select_terms(weights: np.ndarray, counts: np.ndarray, terms: Sequence[str], *, n: int = 10) -> list[int]:
    """Indices of the top ``n`` twin-free terms of one cluster (see :func:`select_keywords`)."""
    order = [i for i in np.argsort(-weights, kind="stable")[: n * _SCAN_FACTOR] if weights[i] > 0]
    kept: list[int] = []
    for i in order:
        inside = [k for k in kept if _contains(terms[k], terms[i])]
        if inside and max(counts[k] for k in inside) >= _COVERS * counts[i]:
            continue  # a kept phrase accounts for most uses of this term: it adds nothing
        # a longer phrase that accounts for most uses of kept shorter terms replaces them
        kept = [k for k in kept if not (_contains(terms[i], terms[k]) and counts[i] >= _COVERS * counts[k])]
        if " " not in terms[i] or counts[i] >= 2:
            kept.append(i)
        if len(kept) >= n:
            break
    return kept[:n]


def _contains(phrase: str, term: str) -> bool:
    return phrase != term and f" {term} " in f" {phrase} "


def mmr(candidates: list[tuple[Any, float]], vectors: np.ndarray, n: int, diversity: float) -> list[tuple[Any, float]]:
    """Maximal marginal relevance: relevance = c-TF-IDF weight (scaled to [0, 1]), redundancy =
    cosine between keyword embeddings. Returns ``n`` keywords, best weight first."""
    weights = np.array([w for _, w in candidates])
    rel = weights / max(weights.max(), 1e-12)
    from sklearn.preprocessing import normalize

    vectors = normalize(vectors)
    sim = vectors @ vectors.T
    chosen, rest = [0], list(range(1, len(candidates)))
    while rest and len(chosen) < n:
        scores = [(1 - diversity) * rel[j] - diversity * sim[j, chosen].max() for j in rest]
        chosen.append(rest.pop(int(np.argmax(scores))))
    return [candidates[j] for j in sorted(chosen, key=lambda j: -rel[j])]


# ------------------------------------------------------------------------------ the stage
def cluster_representatives(
    vectors: np.ndarray, texts: Sequence[str], labels: np.ndarray, clusters: Sequence[int], n: int = 3
) -> tuple[dict[int, list[int]], np.ndarray]:
    """Each cluster's ``n`` rows closest to its mean direction, skipping near-duplicates; and the means.

    The means and the scores do not depend on the order of the rows (:func:`flaucluster.cluster.cluster_sums`,
    :func:`flaucluster.search.exact_scores`), so neither does the choice. Each cluster's best rows are looked
    at first, more of them only when near-duplicates leave too few, at most :data:`_REPRESENTATIVE_SCAN`: a
    cluster whose best rows all repeat one sentence has fewer representatives, not a scan of every row. Vectors
    on a Dask cluster (:mod:`flaucluster.spread`) rank their rows where they are and send only the best here.

    Returns
    -------
    dict of int to list of int
        Cluster id -> its representatives' rows, closest first.
    numpy.ndarray
        float64 mean vector of each cluster, in the order of ``clusters``.
    """
    from .cluster import _FIXED, cluster_sums

    clusters = [int(c) for c in clusters]
    sums, counts = cluster_sums(vectors, labels, np.asarray(clusters, dtype=int))
    means = sums / (np.maximum(counts, 1)[:, None] * _FIXED)
    out: dict[int, list[int]] = {}
    pending, want = list(range(len(clusters))), min(8 * n, _REPRESENTATIVE_SCAN)
    while pending:
        ranked = best_rows(vectors, labels, [clusters[i] for i in pending], means[pending], want)
        orders = [ranked[clusters[i]] for i in pending]
        candidates = vectors[np.concatenate(orders)]  # every cluster's best rows at once
        starts = np.cumsum([0] + [len(o) for o in orders])
        left = []
        for i, order, start in zip(pending, orders, starts):
            chosen = _distinct_best(candidates[start : start + len(order)], texts, order, n)
            if len(chosen) == n or len(order) >= min(int(counts[i]), _REPRESENTATIVE_SCAN):
                out[clusters[i]] = chosen
            else:
                left.append(i)
        pending, want = left, min(4 * want, _REPRESENTATIVE_SCAN)
    return out, means


def _distinct_best(candidates: np.ndarray, texts: Sequence[str], order: np.ndarray, n: int) -> list[int]:
    """The first ``n`` of ``order`` (rows, best first; ``candidates`` their vectors) that are not a
    near-duplicate, or the same text, of one chosen before."""
    chosen: list[int] = []
    for j, r in enumerate(order):
        if all(
            candidates[j] @ candidates[c] < _SAME_TEXT and texts[r].strip().lower() != texts[order[c]].strip().lower()
            for c in chosen
        ):
            chosen.append(j)
        if len(chosen) == n:
            break
    return [int(order[c]) for c in chosen]


def best_rows(
    vectors: np.ndarray, labels: np.ndarray, clusters: Sequence[int], centres: np.ndarray, want: int
) -> dict[int, np.ndarray]:
    """Each cluster's ``want`` rows with the highest exact score with its centre (row by row in float64:
    :func:`flaucluster.search.exact_scores`), best first, equal scores in row order."""
    from .vectors import as_store

    return as_store(vectors).best_rows(labels, list(clusters), centres, want)  # ranked where the vectors are


def keyword_vectors(doc_term: sparse.csr_matrix, vectors: np.ndarray) -> np.ndarray:
    """One unit vector per term: the mean direction of the documents that use it (weighted by count).

    Why not the encoder's vector of the keyword itself: this needs no encoder, so MMR runs the same
    when a model is fitted from texts, from precomputed embeddings, or reloaded from disk."""
    from sklearn.preprocessing import normalize

    return normalize(np.asarray(doc_term.T @ vectors))


def label_clusters(
    texts: Sequence[str],
    labels: np.ndarray,
    vectors: np.ndarray,
    *,
    stop_words: Iterable[str] | None = None,
    extra_stop_words: Iterable[str] = (),
    gender_pairs: dict[str, str] | None = None,
    n_keywords: int = 10,
    n_representatives: int = 3,
    diversity: float = 0.3,
    max_docs: int | None = MAX_DOCS,
    seed: int = 0,
    only: Iterable[int] | None = None,
    taken: Iterable[str] = (),
    demote: Iterable[str] = (),
    embed: Callable[[list[str]], np.ndarray] | None = None,
    analyses: Analyses | Future | None = None,
) -> list[Topic]:
    """One :class:`Topic` per cluster id (outliers excluded), in id order; with ``only``, for those
    clusters alone (weights still count every cluster), named apart from the names in ``taken``.

    Keywords are counted on at most ``max_docs`` clustered rows (a sample drawn with ``seed``, for
    speed on very large corpora); representative sentences always come from every row. MMR
    (``diversity`` > 0) weighs each keyword's c-TF-IDF against its redundancy with the keywords
    already chosen, measured between :func:`keyword_vectors` within the cluster. A name made only of
    words in ``demote`` (the role words of titles, when they were left out of the embedding) is chosen
    only when nothing else fits. With ``embed`` (the encoder of ``vectors``: texts -> vectors), the
    name is, among the best-covering phrases (:func:`covering_phrases`), the one whose own vector is
    closest to the cluster's mean direction, as KeyBERT ranks keywords: "excel" over "astuces" for
    office software. A name is never a phrase of one row nor a lone adjective (:func:`name_phrases`), and a
    group of a family's members bears the family's name (:func:`family_name`: "langues").

    ``analyses`` is what :func:`analyse_texts` found for these texts with the same word settings
    (``stop_words``, ``extra_stop_words``, ``gender_pairs``), or the future of that call submitted to a helper
    process (:mod:`flaucluster.offload`), waited for here: its texts are not analysed again. A failed future,
    or analyses made with other settings, leave the texts to be analysed here; the topics are the same."""
    from sklearn.feature_extraction.text import CountVectorizer

    known = _ready(analyses)
    analyzer = FrenchPhraseAnalyzer(french.stop_set(stop_words, extra_stop_words), gender_pairs, known=known)
    clusters = sorted(int(c) for c in set(labels.tolist()) if c != OUTLIER)
    if not clusters:
        return []
    members = np.isin(labels, clusters)
    if max_docs is not None and members.sum() > max_docs:
        keep = np.random.default_rng(seed).choice(np.flatnonzero(members), max_docs, replace=False)
        members = np.zeros_like(members)
        members[keep] = True
    member_rows = np.flatnonzero(members)
    vectorizer = CountVectorizer(analyzer=analyzer, min_df=2 if len(member_rows) >= 50 else 1)
    try:
        counts = vectorizer.fit_transform([texts[int(i)] for i in member_rows]).tocsr()
        terms = vectorizer.get_feature_names_out().tolist()
    except ValueError:  # no content word at all
        counts, terms = sparse.csr_matrix((len(member_rows), 0)), []
    counts, terms = fold_unknown_plurals(counts, terms, analyzer.surfaces, analyzer.initial)
    weights, class_counts = class_tfidf(counts, labels[members], clusters)
    doc_counts = class_sums((counts > 0).astype(np.float64), labels[members], clusters)  # rows using a term
    cluster_docs = np.bincount(np.searchsorted(clusters, labels[members]), minlength=len(clusters))
    term_docs = doc_counts.sum(0)  # rows using each term, all clusters
    demoted = {french.lemma_key(w, gender_pairs) for w in demote}
    modifiers = modifier_words(terms, analyzer.surfaces)
    ending_in = _two_word_phrases(terms)
    family_columns = _family_columns(terms, gender_pairs)
    wanted = set(clusters) if only is None else {int(c) for c in only}
    shown_clusters = [c for c in clusters if c in wanted]
    reps_of, means = cluster_representatives(vectors, texts, labels, shown_clusters, n_representatives)
    centre_of = dict(zip(shown_clusters, means))
    # the keyword sample's vectors, brought once (for MMR only)
    member_vectors = vectors[member_rows] if diversity > 0 else np.zeros((len(member_rows), 0), dtype=np.float32)
    described: list[tuple[Topic, list[tuple[str, float]], list[str], list[str], dict[str, str]]] = []
    for ci, c in enumerate(clusters):
        if c not in wanted:
            continue
        picked = select_terms(weights[ci], class_counts[ci], terms, n=_MMR_POOL) if terms else []
        heaviest = picked[:_NAME_POOL]  # by c-TF-IDF, before MMR reorders for diversity
        if diversity > 0 and len(picked) > n_keywords:
            in_cluster = labels[member_rows] == c
            kw_vectors = keyword_vectors(counts[in_cluster][:, picked], member_vectors[in_cluster])
            candidates = [(i, float(weights[ci, i])) for i in picked]
            picked = [i for i, _ in mmr(candidates, kw_vectors, n_keywords, diversity)]
        kws = [(analyzer.display(terms[i]), float(weights[ci, i])) for i in picked[:n_keywords]]
        size = int((labels == c).sum())
        reps = reps_of[c]
        rows_in = int(cluster_docs[ci])
        covering = covering_phrases(doc_counts[ci], term_docs, rows_in, terms, heaviest) if terms else []
        covering = name_phrases(covering, doc_counts[ci], term_docs, rows_in, terms, modifiers, ending_in)
        covering.sort(key=lambda pair: set(terms[pair[0]].split(" ")) <= demoted)  # stable otherwise
        phrases = [(analyzer.display(terms[i]), score) for i, score in covering]
        group_counts = counts[labels[member_rows] == c]
        wider = {
            analyzer.display(terms[i]): analyzer.display(terms[j])
            for i, j in wider_terms(group_counts, covering, terms, doc_counts[ci] / np.maximum(term_docs, 1)).items()
        }
        family = family_name(group_counts, family_columns, rows_in) if family_columns else None
        # the keywords name a group only when nothing above does, and then as phrases do: used by several rows,
        # no lone adjective
        spare = [
            analyzer.display(terms[i])
            for i in picked[:n_keywords]
            if _can_name(i, doc_counts[ci], rows_in, terms, modifiers)
        ]
        topic = Topic(c, size, "", kws, [texts[r] for r in reps], reps)
        described.append((topic, phrases, [family] if family else [], spare, wider))
    out: list[Topic] = []
    names: set[str] = set(taken)
    for topic, phrases, family_names, spare, wider in described:
        shown = by_meaning(phrases, centre_of[topic.cluster], embed) if embed else [p for p, _ in phrases]
        while shown and shown[0] in wider and wider[shown[0]] in shown:  # "PNG" gives way to "image"
            broader = wider.pop(shown[0])
            shown = [broader] + [p for p in shown if p != broader]
        topic.name = cluster_name(family_names + shown + spare, topic.cluster, names)
        names.add(topic.name)
        out.append(topic)
    return out


def by_meaning(
    phrases: list[tuple[str, float]], centre: np.ndarray, embed: Callable[[list[str]], np.ndarray]
) -> list[str]:
    """``phrases`` ((text, coverage score), best first) as names: those scoring at least ``_NAME_COVER``
    of the best by the cosine of their own vector with the cluster's mean (``centre``), then the rest."""
    best = max((score for _, score in phrases), default=0.0)
    head = [p for p, score in phrases if score >= _NAME_COVER * best]
    tail = [p for p, score in phrases if score < _NAME_COVER * best]
    if len(head) < 2:
        return head + tail
    from sklearn.preprocessing import normalize

    sims = normalize(np.asarray(embed(head), dtype=np.float64)) @ (centre / max(np.linalg.norm(centre), 1e-12))
    order = sorted(range(len(head)), key=lambda i: (-round(float(sims[i]), 6), i))
    return [head[i] for i in order] + tail


def covering_phrases(
    in_cluster: np.ndarray, everywhere: np.ndarray, size: int, terms: Sequence[str], candidates: Sequence[int]
) -> list[tuple[int, float]]:
    """(term index, score) of ``candidates`` (term indices), best first as a cluster's name: the F1 score
    of "rows that use the term" against "rows of the cluster", so a name covers most of its rows and few
    rows of the others.

    A phrase of several words comes before the single word it contains when it scores at least
    ``_PHRASE_OVER_WORD`` of that word: "droit du travail" says more than "droit"."""
    if not size:
        return []
    f1 = {i: 2 * in_cluster[i] / (size + everywhere[i]) for i in candidates if in_cluster[i] > 0}
    rest = sorted(f1, key=lambda i: (-f1[i], terms[i]))
    order: list[int] = []
    while rest:
        best = rest.pop(0)
        longer = [j for j in rest if _contains(terms[j], terms[best]) and f1[j] >= _PHRASE_OVER_WORD * f1[best]]
        if " " not in terms[best] and longer:
            rest.remove(longer[0])
            order.append(longer[0])
        order.append(best)
    return [(i, float(f1[i])) for i in order]


def _can_name(i: int, in_cluster: np.ndarray, size: int, terms: Sequence[str], modifiers: frozenset[str]) -> bool:
    """Whether term ``i`` may name a group of ``size`` rows, ``in_cluster[i]`` of which use it: used by
    :data:`_MIN_SUPPORT` rows (all of them in a smaller group), and neither a lone modifier nor a phrase that
    starts with one ("régionale TICPE gazole" is cut from "majoration régionale TICPE gazole": no noun heads it)."""
    return in_cluster[i] >= min(_MIN_SUPPORT, size) and terms[i].split(" ", 1)[0] not in modifiers


def name_phrases(
    covering: list[tuple[int, float]],
    in_cluster: np.ndarray,
    everywhere: np.ndarray,
    size: int,
    terms: Sequence[str],
    modifiers: frozenset[str],
    ending_in: dict[str, list[int]],
) -> list[tuple[int, float]]:
    """The ``covering`` phrases ((term index, score), best first) that may name a group, in the same order.

    A phrase used by fewer than :data:`_MIN_SUPPORT` rows of the group is lifted from one row: it is left out. A
    lone modifier (:func:`modifier_words`: "pédagogique", "agricole") gives way to the two-word phrase that
    ends with it and that most rows of the group use ("ingénierie pédagogique"), scored as phrases are
    (:func:`covering_phrases`); it is left out when there is none."""
    out: list[tuple[int, float]] = []
    seen: set[int] = set()
    for i, score in covering:
        if terms[i] in modifiers:
            nouns = [j for j in ending_in.get(terms[i], ()) if _can_name(j, in_cluster, size, terms, modifiers)]
            if not nouns:
                continue
            i = max(nouns, key=lambda j: (in_cluster[j], terms[j]))
            score = float(2 * in_cluster[i] / (size + everywhere[i]))
        if i not in seen and _can_name(i, in_cluster, size, terms, modifiers):
            out.append((i, score))
            seen.add(i)
    return out


def wider_terms(
    rows: sparse.csr_matrix, covering: list[tuple[int, float]], terms: Sequence[str], own: np.ndarray
) -> dict[int, int]:
    """term -> a wider name among ``covering`` (term indices, best first), for the terms that have one.

    A lone word is narrow when another candidate, with no word in common, is used by at least :data:`_WIDER`
    times as many rows of the group and by :data:`_WITHIN` of its own rows: "PNG" in a group about images,
    whose PNG rows nearly all say "image" too. A phrase is narrow beside a word it contains that is also a
    candidate, unless the group's rows that use the phrase are :data:`_COVERS` of those that use the word (the
    share at which a phrase stands for its word) or the word is much less the group's own than the phrase
    (its share of uses in the group under :data:`_WITHIN` of the phrase's): "code propre", in 30 of the 91 rows
    that say "code", is one kind of the group's code, not its name, even where its own vector is closer to the
    group's mean (an encoder ranks the more specific phrase closer); "hébergement social" stays, where other
    groups say "hébergement" of hotels.

    Parameters
    ----------
    rows : scipy.sparse.csr_matrix
        The group's rows x terms counts.
    covering : list of (int, float)
        The candidate names (term index, score), best first.
    terms : sequence of str
        The terms' keys.
    own : numpy.ndarray
        Each term's share of its rows (over every group) that are in this group.

    Returns
    -------
    dict of int to int
        Term index -> the index of the first candidate wider than it.
    """
    if len(covering) < 2:
        return {}
    columns = [i for i, _ in covering]
    used = (rows[:, columns] > 0).toarray()
    sizes = used.sum(0)
    out: dict[int, int] = {}
    for a, i in enumerate(columns):
        if " " in terms[i]:
            held = [
                b
                for b, j in enumerate(columns)
                if _contains(terms[i], terms[j]) and sizes[a] < _COVERS * sizes[b] and own[j] >= _WITHIN * own[i]
            ]
            if held:
                out[i] = columns[held[0]]
            continue
        for b, j in enumerate(columns):
            if a == b or set(terms[i].split(" ")) & set(terms[j].split(" ")):
                continue
            if sizes[b] >= _WIDER * sizes[a] and (used[:, a] & used[:, b]).sum() >= _WITHIN * sizes[a]:
                out[i] = j
                break
    return out


def modifier_words(terms: Sequence[str], surfaces: dict[str, Counter]) -> frozenset[str]:
    """The one-word terms that qualify another word rather than name a thing: French adjectives.

    The evidence is how the texts use the word, which no word list has to know: a word usually written in
    lower case that comes right after another content word (no small word between) in at least
    :data:`_MODIFIER` of its uses ("ingénierie pédagogique", "ouvrier agricole") is a modifier; a noun is
    also written after an article or a preposition ("de l'anglais", "en informatique") or first. A word
    usually written with a capital (``Excel`` in "tableaux Excel") names a thing: French does not capitalise
    adjectives. Judged from :data:`_MODIFIER_USES` uses at least.

    Parameters
    ----------
    terms : sequence of str
        The terms' keys (words joined by spaces).
    surfaces : dict of str to collections.Counter
        Each key's surface forms as written, with their counts (:attr:`FrenchPhraseAnalyzer.surfaces`).

    Returns
    -------
    frozenset of str
        The keys of the one-word terms that are modifiers.
    """
    after: Counter = Counter()
    for key, forms in surfaces.items():  # every phrase seen, also those too rare to be terms
        words = key.split(" ")
        if len(words) == 2:  # written side by side: one space, no elision between
            after[words[1]] += sum(n for form, n in forms.items() if form.count(" ") == 1 and "'" not in form)
    single = {t for t in terms if " " not in t}
    out = set()
    for word, attached in after.items():
        if word not in single:
            continue
        written = surfaces.get(word) or Counter()
        uses = sum(written.values())
        if uses < _MODIFIER_USES or attached < _MODIFIER * uses:
            continue
        lower = sum(n for form, n in written.items() if form.islower())
        if lower * 2 > uses:
            out.add(word)
    return frozenset(out)


def _two_word_phrases(terms: Sequence[str]) -> dict[str, list[int]]:
    """word key -> the indices of the two-word terms that end with it."""
    out: dict[str, list[int]] = defaultdict(list)
    for i, term in enumerate(terms):
        words = term.split(" ")
        if len(words) == 2:
            out[words[1]].append(i)
    return out


@cache
def families(gender_pairs: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """member key -> its family's word, from ``data/fr/families.txt`` (see the file's header)."""
    pairs = dict(gender_pairs) or None
    return {french.lemma_key(m, pairs): family for m, family in lexicon.pairs("families.txt").items()}


def _family_columns(
    terms: Sequence[str], gender_pairs: dict[str, str] | None
) -> dict[str, tuple[list[int], list[int]]]:
    """family word -> (columns of its members among ``terms``, columns of the family word itself)."""
    members = families(tuple(sorted((gender_pairs or {}).items())))
    out: dict[str, tuple[list[int], list[int]]] = {}
    names = {french.lemma_key(f, gender_pairs): f for f in set(members.values())}
    for i, term in enumerate(terms):
        if term in members:
            out.setdefault(members[term], ([], []))[0].append(i)
        elif term in names:
            out.setdefault(names[term], ([], []))[1].append(i)
    return {f: cols for f, cols in out.items() if len(cols[0]) >= 2}


def family_name(rows: sparse.csr_matrix, columns: dict[str, tuple[list[int], list[int]]], size: int) -> str | None:
    """The family (``data/fr/families.txt``) that names a group of ``size`` rows, or None.

    A group is a family's when the family's words (its members, or the family word itself) are in at least
    :data:`_FAMILY_COVER` of its rows, at least two members are each used by :data:`_MIN_SUPPORT` rows, and
    no member is in :data:`_FAMILY_LEAD` of those rows: English, Spanish, Korean and FLE courses are
    "langues"; a group of English courses with one Spanish course stays "anglais". Among several families, the
    one in most rows.

    Parameters
    ----------
    rows : scipy.sparse.csr_matrix
        The group's rows x terms counts.
    columns : dict
        Family word -> (its members' columns, the family word's columns), from the same terms.
    size : int
        Rows in the group.

    Returns
    -------
    str or None
        The family's word as the file writes it ("langues"), or None.
    """
    best: tuple[int, str] | None = None
    for family, (members, own) in sorted(columns.items()):
        used = (rows[:, members] > 0).toarray()
        per_member = used.sum(0)
        covered = int((used.any(1) | (rows[:, own] > 0).toarray().any(1)).sum()) if own else int(used.any(1).sum())
        in_members = int(used.any(1).sum())
        if (
            covered >= _FAMILY_COVER * size
            and (per_member >= _MIN_SUPPORT).sum() >= 2
            and per_member.max() < _FAMILY_LEAD * in_members
            and (best is None or covered > best[0])
        ):
            best = (covered, family)
    return None if best is None else best[1]


def cluster_name(candidates: Sequence[str], cluster: int, taken: set[str]) -> str:
    """The first candidate (best first) whose name no sibling has, accents and case aside; a capital
    on the first letter only, as French titles are written, but for a first word written with capitals inside
    (``iPhone``, ``eBay`` stay so). ``groupe N`` when there is none."""
    used = {french.fold_key(t.lower()) for t in taken}
    for text in candidates:
        name = _titled(text)
        if french.fold_key(name.lower()) not in used:
            return name
    fallback = f"{_titled(candidates[0])} ({cluster})" if candidates else f"groupe {cluster}"
    return fallback if french.fold_key(fallback.lower()) not in used else f"groupe {cluster}"


def _titled(text: str) -> str:
    first = text.split(" ", 1)[0]
    if any(c.isupper() for c in first[1:]):  # "iPhone": its case is its spelling
        return text
    return text[:1].upper() + text[1:]
