"""French words as data, and the two questions every module asks of a word.

The word lists are plain-text files under ``flaucluster/data/fr/`` (one entry a line, ``#`` starts a comment,
each file's header names its source and licence), read once each, here. :func:`fold_key` gives a word's
accent- and ligature-free key; :func:`is_known_word` says whether the French dictionary (simplemma's) knows
it. :mod:`flaucluster.gender` and :mod:`flaucluster.french` build on this module, which imports neither.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from importlib import resources

import simplemma

__all__ = ["entries", "fold_key", "is_known_word", "pairs", "words"]


@cache
def entries(name: str) -> tuple[tuple[str, ...], ...]:
    """The entries of the data file ``flaucluster/data/fr/<name>``, in file order, each split on white space.

    A ``#`` and what follows it on its line are a comment; blank lines are skipped; words are read in Unicode
    NFC form, as the tokeniser gives them. Each file is read once per process.
    """
    folder = resources.files("flaucluster").joinpath("data").joinpath("fr")
    text = folder.joinpath(name).read_text(encoding="utf-8")
    found = []
    for line in text.splitlines():
        fields = unicodedata.normalize("NFC", line.split("#", 1)[0]).split()
        if fields:
            found.append(tuple(fields))
    return tuple(found)


def words(name: str) -> frozenset[str]:
    """The words of a data file of one word a line (see :func:`entries`); a line of two words is an error."""
    return frozenset(word for (word,) in _columns(name, 1))


def pairs(name: str) -> dict[str, str]:
    """The pairs of a data file of two words a line, first -> second, in file order (see :func:`entries`)."""
    return {entry[0]: entry[1] for entry in _columns(name, 2)}


def _columns(name: str, n: int) -> tuple[tuple[str, ...], ...]:
    found = entries(name)
    for entry in found:
        if len(entry) != n:
            raise ValueError(f"data/fr/{name}: {' '.join(entry)!r} is not {n} word(s) a line")
    return found


def fold_key(word: str) -> str:
    """The accent- and ligature-insensitive form of a lowercase word.

    Every comparison of French words goes through it. Accents are taken off and ligatures spelled out
    (French letters by a table, any rarer letter by Unicode decomposition); the case is kept as it is.

    Parameters
    ----------
    word : str
        A word, in lower case.

    Returns
    -------
    str
        The word without accents or ligatures; an ASCII word is returned as it is.

    Examples
    --------
    >>> fold_key("école"), fold_key("œuvre")
    ('ecole', 'oeuvre')
    """
    if word.isascii():
        return word
    return _fold_key(word)


_PLAIN = str.maketrans(
    {
        **dict.fromkeys("àâäáãå", "a"),
        **dict.fromkeys("éèêë", "e"),
        **dict.fromkeys("îïíì", "i"),
        **dict.fromkeys("ôöóòõ", "o"),
        **dict.fromkeys("ûüúù", "u"),
        **dict.fromkeys("ÿý", "y"),
        "ç": "c",
        "ñ": "n",
        "œ": "oe",
        "æ": "ae",
    }
)


@lru_cache(maxsize=200_000)
def _fold_key(word: str) -> str:
    plain = word.translate(_PLAIN)  # French letters at once; anything rarer by Unicode decomposition
    if plain.isascii():
        return plain
    plain = plain.replace("Œ", "OE").replace("Æ", "AE")
    return "".join(c for c in unicodedata.normalize("NFD", plain) if not unicodedata.combining(c))


def is_known_word(word: str) -> bool:
    """Whether the French dictionary knows ``word`` (lowercase, as written)."""
    return simplemma.is_known(word, lang="fr")
