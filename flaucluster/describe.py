"""Describing clusters in French: ``FrenchDescriber`` (keywords, representative sentences, names) and
:func:`describe_clusters`, the one path by which a fit and an edit name clusters.

A cluster no edit touched keeps the description the fit gave it; the others are described anew against the
current clusters, named apart from the names already taken, then by the optional namer, and a name a person
gave always wins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from .cluster import OUTLIER
from .errors import ConfigError
from .french import ROLE_WORDS, stop_set
from .label import FrenchPhraseAnalyzer, Topic, label_clusters
from .timing import stage

__all__ = ["FrenchDescriber", "describe_clusters"]

logger = logging.getLogger(__name__)


class FrenchDescriber(BaseEstimator):
    """How clusters are described: French-aware keywords (c-TF-IDF + MMR), representative sentences and a name.

    A component of :class:`~flaucluster.model.TopicModel` (its ``describer=``): parameters are stored as given
    and checked by :meth:`check`.

    Parameters
    ----------
    n_keywords : int, default=10
        Keywords per cluster.
    n_representatives : int, default=3
        Representative sentences (the most central distinct ones) per cluster.
    diversity : float, default=0.3
        From 0 to 1: how much MMR weighs a keyword's redundancy with the keywords already chosen against its
        c-TF-IDF; 0 keeps the keywords in c-TF-IDF order.
    stop_words : sequence of str or None, default=None
        Words never used as keywords; None: :data:`flaucluster.french.STOPWORDS_FR` and
        :data:`flaucluster.french.COURSE_FILLER_FR`.
    extra_stop_words : sequence of str, default=()
        Words added to ``stop_words``.
    gender_pairs : dict of str to str or None, default=None
        Masculine -> feminine forms used to fold gender in keywords and names; None:
        :data:`flaucluster.french.GENDER_PAIRS`.
    """

    def __init__(
        self,
        n_keywords: int = 10,
        n_representatives: int = 3,
        diversity: float = 0.3,
        stop_words: Sequence[str] | None = None,
        extra_stop_words: Sequence[str] = (),
        gender_pairs: dict[str, str] | None = None,
    ) -> None:
        self.n_keywords = n_keywords
        self.n_representatives = n_representatives
        self.diversity = diversity
        self.stop_words = stop_words
        self.extra_stop_words = extra_stop_words
        self.gender_pairs = gender_pairs

    def check(self) -> FrenchDescriber:
        """Check every parameter.

        Returns
        -------
        FrenchDescriber
            Itself, unchanged.

        Raises
        ------
        flaucluster.errors.ConfigError
            For a parameter that cannot work.
        """
        for name in ("n_keywords", "n_representatives"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name}={value!r}: must be a positive integer.")
        if not isinstance(self.diversity, (int, float)) or not 0 <= self.diversity <= 1:
            raise ConfigError(f"diversity={self.diversity!r}: must be within [0, 1].")
        return self

    def record(self) -> dict[str, Any]:
        """The parameters as plain data (what a saved model keeps).

        Returns
        -------
        dict
            Parameter name -> value (lists for the word lists).
        """
        out = self.get_params(deep=False)
        for name in ("stop_words", "extra_stop_words"):
            if out[name] is not None:
                out[name] = list(out[name])
        return out

    def analyzer(self) -> FrenchPhraseAnalyzer:
        """The phrase analyser keywords are counted with (the same stop words and gender folding).

        Returns
        -------
        flaucluster.label.FrenchPhraseAnalyzer
            text -> its phrases' keys.
        """
        return FrenchPhraseAnalyzer(stop_set(self.stop_words, self.extra_stop_words), self.gender_pairs)

    def describe(
        self,
        texts: Sequence[str],
        labels: np.ndarray,
        vectors: Any,
        *,
        only: Iterable[int] | None = None,
        taken: Iterable[str] = (),
        demote: Iterable[str] = (),
        embed: Callable[[list[str]], np.ndarray] | None = None,
        seed: int = 0,
        analyses: Any = None,
    ) -> list[Topic]:
        """One :class:`~flaucluster.label.Topic` per cluster (:func:`flaucluster.label.label_clusters`).

        Parameters
        ----------
        texts : sequence of str
            Each row's text (as the model saw it).
        labels : numpy.ndarray
            Each row's cluster; -1 outside any.
        vectors : numpy.ndarray
            Each row's unit vector.
        only : iterable of int or None, default=None
            Describe only these clusters (the weights still count every cluster).
        taken : iterable of str, default=()
            Names not to give again.
        demote : iterable of str, default=()
            Words a name should not be made of alone (the role words of titles).
        embed : callable or None, default=None
            texts -> vectors of the encoder of ``vectors``, to rank names by meaning.
        seed : int, default=0
            Seeds the keyword sample of very large inputs.
        analyses : flaucluster.label.Analyses, concurrent.futures.Future or None, default=None
            The rows' word analyses made elsewhere (:func:`flaucluster.label.analyse_texts`), used when ready and
            made with the same settings; None: made here.

        Returns
        -------
        list of flaucluster.label.Topic
            By cluster id.
        """
        return label_clusters(
            texts,
            labels,
            vectors,
            stop_words=self.stop_words,
            extra_stop_words=self.extra_stop_words,
            gender_pairs=self.gender_pairs,
            n_keywords=self.n_keywords,
            n_representatives=self.n_representatives,
            diversity=self.diversity,
            seed=seed,
            only=only,
            taken=taken,
            demote=demote,
            embed=embed,
            analyses=analyses,
        )


def describe_clusters(
    describer: FrenchDescriber,
    texts: Sequence[str],
    labels: np.ndarray,
    vectors: Any,
    *,
    usable: np.ndarray,
    seed: int,
    base_topics: Sequence[Topic] = (),
    touched: set[int] | None = None,
    custom_names: dict[int, str] | None = None,
    theme_names: dict[int, str] | None = None,
    drop_roles: bool = False,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    namer: Any = None,
    analyses: Any = None,
) -> tuple[list[Topic], dict[str, Any] | None]:
    """The clusters' descriptions: the ``base_topics`` of every cluster not in ``touched``, new ones for the others.

    ``touched=None`` describes every cluster (a fit). A cluster that holds a theme bears the theme's label; the
    ``namer`` (an object with ``.name(topics, taken)``) names the other new descriptions; a name in
    ``custom_names`` (given by an edit) always wins.

    Parameters
    ----------
    describer : FrenchDescriber
        How clusters are described.
    texts : sequence of str
        Each row's text as the model saw it.
    labels : numpy.ndarray
        Each row's cluster.
    vectors : numpy.ndarray
        Each row's unit vector.
    usable : numpy.ndarray of bool
        Which rows are usable (the others are described as no cluster's).
    seed : int
        The run's seed.
    base_topics : sequence of flaucluster.label.Topic, default=()
        The fit's descriptions, kept for untouched clusters.
    touched : set of int or None, default=None
        The clusters to describe anew; None: every cluster.
    custom_names : dict of int to str or None, default=None
        Names given by edits.
    theme_names : dict of int to str or None, default=None
        cluster id -> the label of the theme it holds.
    drop_roles : bool, default=False
        Role words were left out of the embedding: a name made of them alone comes last.
    embed : callable or None, default=None
        texts -> vectors of the rows' encoder, to rank names by meaning.
    namer : object or None, default=None
        Names new descriptions (``.name(topics, taken)``).
    analyses : concurrent.futures.Future, mapping or None, default=None
        The rows' word analyses made elsewhere.

    Returns
    -------
    topics : list of flaucluster.label.Topic
        One per cluster, by id.
    naming : dict or None
        The namer's record (prompts and replies), when it named something.
    """
    custom_names = custom_names or {}
    theme_names = theme_names or {}
    labels = np.where(usable, labels, OUTLIER)
    alive = set(labels.tolist()) - {OUTLIER}
    kept = [t for t in base_topics if touched is not None and t.cluster not in touched and t.cluster in alive]
    fresh: list[Topic] = []
    if touched is None or touched:
        with stage("labels"):
            fresh = describer.describe(
                texts,
                labels,
                vectors,
                only=touched,
                taken={custom_names.get(t.cluster, t.name) for t in kept} | set(theme_names.values()),
                # titles named by their field: role words name a cluster only when nothing else fits
                demote=ROLE_WORDS if drop_roles else (),
                embed=embed,
                seed=seed,
                analyses=analyses,
            )
    fresh = [replace(t, name=theme_names[t.cluster]) if t.cluster in theme_names else t for t in fresh]
    record = None
    unnamed = [t for t in fresh if t.cluster not in theme_names]  # a theme's cluster bears the theme's label
    if namer is not None and unnamed:
        with stage("naming"):
            taken = [custom_names.get(t.cluster, t.name) for t in kept] + list(theme_names.values())
            chosen = namer.name(unnamed, taken=taken)
        fresh = [replace(t, name=chosen.get(t.cluster, t.name)) for t in fresh]
        record = getattr(namer, "record", {})
    topics = [replace(t, name=custom_names.get(t.cluster, t.name)) for t in kept + fresh]
    return sorted(topics, key=lambda t: t.cluster), record
