"""Gender of French person nouns, both ways: feminine -> masculine for keys, masculine -> both genders to show.

One table of endings serves both directions (``data/fr/gender-endings.txt``): ``conductrice`` -> ``conducteur``
and ``conducteur`` -> ``conducteur·rice``. The forms that no ending gives (``chef``/``cheffe``,
``auteur``/``autrice``) are :data:`GENDER_PAIRS` (``gender-pairs.txt``), and the feminine nouns in their own right
that an ending would wrongly fold (``vente`` is not ``vent``) are :data:`FEMININE_NOUNS`
(``feminine-nouns.txt``). :mod:`flaucluster.french` folds inclusive writing and makes keys with it;
:mod:`flaucluster.label` shows person nouns with it.
"""

from __future__ import annotations

from functools import lru_cache

import simplemma

from .lexicon import entries, fold_key, is_known_word, pairs, words

__all__ = [
    "ENDINGS",
    "FEMININE_NOUNS",
    "GENDER_PAIRS",
    "INCLUSIVE_SUFFIXES",
    "feminine",
    "inclusive_form",
    "masculine",
    "person_words",
    "suffix_masculine",
]

# masculine -> feminine forms that simplemma does not fold (irregular or missing); overridable by callers
GENDER_PAIRS: dict[str, str] = pairs("gender-pairs.txt")
# (masculine ending, feminine ending, the feminine's ending as written after a point), longer endings first
ENDINGS: tuple[tuple[str, str, str], ...] = tuple(
    ("" if masc == "-" else masc, fem, shown) for masc, fem, shown in entries("gender-endings.txt")
)
FEMININE_NOUNS: frozenset[str] = words("feminine-nouns.txt")
_FEMININE_NOUN_KEYS = frozenset(fold_key(w) for w in FEMININE_NOUNS)
# what inclusive writing puts after a point or in brackets: the endings shown above, their plurals, and others
INCLUSIVE_SUFFIXES: frozenset[str] = frozenset(
    {shown for _, _, shown in ENDINGS} | {shown + "s" for _, _, shown in ENDINGS} | words("inclusive-suffixes.txt")
)


def masculine(word: str, pairs: dict[str, str] | None = None) -> str:
    """Masculine form of a feminine noun or adjective, or ``word`` itself.

    Explicit pairs first (the feminine, its plural and their unaccented spellings); then the endings of
    :data:`ENDINGS`, only when the masculine candidate is a known French word that is its own lemma, and
    ``word`` is not a feminine noun in its own right (``infirmière`` -> ``infirmier``; ``matière`` stays,
    ``matier`` is not a word; ``vente`` is not ``vent``).

    Parameters
    ----------
    word : str
        A word, in lower case.
    pairs : dict of str to str or None, optional
        Masculine -> feminine forms to use instead of :data:`GENDER_PAIRS` (None: :data:`GENDER_PAIRS`).

    Returns
    -------
    str
        The masculine form (plural for a plural), or ``word`` as it is.

    Examples
    --------
    >>> masculine("infirmière"), masculine("directrices"), masculine("matière")
    ('infirmier', 'directeurs', 'matière')
    """
    table = _feminine_index(None if pairs is None else tuple(sorted(pairs.items())))
    if word in table:
        return table[word]
    for masc, fem, _ in ENDINGS:
        if word.endswith(fem) and len(word) - len(fem) >= 3:
            candidate = word[: len(word) - len(fem)] + masc
            if (
                candidate != word
                and is_known_word(candidate)
                and simplemma.lemmatize(candidate, lang="fr") == candidate
                and fold_key(word) not in _FEMININE_NOUN_KEYS
            ):
                return candidate
    return word


def suffix_masculine(word: str) -> str:
    """The masculine the endings give, with no dictionary check (``bobinière`` -> ``bobinier``,
    ``mécanicienne-réparatrice`` -> ``mécanicien-réparateur``); use it only where the text vouches for it.

    Parameters
    ----------
    word : str
        A word, in lower case; each part of a hyphenated word is put in the masculine.

    Returns
    -------
    str
        The word with each part's first fitting feminine ending (other than a bare ``e``) made masculine.
    """
    out = []
    for part in word.split("-"):
        for masc, fem, _ in ENDINGS:
            if part.endswith(fem) and len(part) - len(fem) >= 3 and fem != "e":
                part = part[: len(part) - len(fem)] + masc
                break
        out.append(part)
    return "-".join(out)


def feminine(masc: str, pairs: dict[str, str] | None = None) -> str:
    """The feminine of a masculine person noun.

    Parameters
    ----------
    masc : str
        A masculine noun, in lower case.
    pairs : dict of str to str or None, optional
        Masculine -> feminine forms to use instead of :data:`GENDER_PAIRS` (None or empty:
        :data:`GENDER_PAIRS`).

    Returns
    -------
    str
        The pair's feminine; else the first ending of :data:`ENDINGS` that makes a word the dictionary knows
        (``chanteur`` -> ``chanteuse``); else ``masc`` and an ``e``.
    """
    table = pairs or GENDER_PAIRS
    if masc in table:
        return table[masc]
    for m_end, f_end, _ in ENDINGS:
        if masc.endswith(m_end) and is_known_word(candidate := masc[: len(masc) - len(m_end)] + f_end):
            return candidate
    return masc + "e"


def inclusive_form(masc: str, pairs: dict[str, str] | None = None) -> str:
    """A person noun shown in both genders: ``conducteur`` -> ``conducteur·rice``; ``chef`` -> ``chef·fe``.

    Parameters
    ----------
    masc : str
        A masculine noun, in lower case.
    pairs : dict of str to str or None, optional
        Masculine -> feminine forms to use instead of :data:`GENDER_PAIRS` (None or empty:
        :data:`GENDER_PAIRS`).

    Returns
    -------
    str
        The masculine, a point and the feminine's ending (:data:`ENDINGS`, or what the feminine adds to the
        masculine: ``agent·e``); ``masculine/feminine`` when the feminine does not extend the masculine.
    """
    fem = feminine(masc, pairs)
    for m_end, f_end, shown in ENDINGS:
        if masc.endswith(m_end) and fem == masc[: len(masc) - len(m_end)] + f_end:
            return f"{masc}·{shown}"
    if fem.startswith(masc):
        return f"{masc}·{fem[len(masc) :]}"
    return f"{masc}/{fem}"


def person_words(pairs: dict[str, str] | None = None) -> dict[str, str]:
    """Key -> masculine spelling of the person nouns that have a distinct feminine.

    Parameters
    ----------
    pairs : dict of str to str or None, optional
        Masculine -> feminine forms to use instead of :data:`GENDER_PAIRS` (None or empty:
        :data:`GENDER_PAIRS`).

    Returns
    -------
    dict of str to str
        :func:`~flaucluster.lexicon.fold_key` of each masculine -> the masculine, for the pairs whose two
        forms differ.
    """
    return {fold_key(m): m for m, f in (pairs or GENDER_PAIRS).items() if m != f}


@lru_cache(maxsize=8)
def _feminine_index(pairs: tuple[tuple[str, str], ...] | None) -> dict[str, str]:
    index = {}
    for masc, fem in pairs if pairs is not None else GENDER_PAIRS.items():
        plural = masc + ("" if masc.endswith(("s", "x")) else "s")
        for form in {fem, fold_key(fem)}:  # "developpeuse" as well as "développeuse"
            index[form] = masc
            index[form + "s"] = plural
    return index
