"""French text for labels: elisions, stopwords, inclusive writing, gender and number folding.

Keys are accent-insensitive: ``École``, ``Ecole`` and ``école`` are one key (:func:`fold_key`), because
real data drops the accent on capitals and in careless typing; a word written without its accents is
first spelled back the way the dictionary knows it (:func:`restore_accents`), so that it lemmatises and
shows correctly (``Etudiantes`` -> ``étudiant``). Lemmas come from ``simplemma`` — a pure-Python,
dictionary-based lemmatiser (no model download, ~10 µs a word), chosen over spaCy's
``fr_core_news_sm`` because labels need word-level folding, not parsing, and it keeps
install and start-up light. Its gaps on gender (``directrice``, ``ouvrière``, ``cheffe``)
and on unknown plurals (``apprenants``) are closed by :data:`GENDER_PAIRS` and small,
dictionary-guarded suffix rules, so ``matière`` never becomes ``matier`` (:mod:`flaucluster.gender`
owns gender forms, both ways).

The word lists are data: text files under ``flaucluster/data/fr/``, each naming its source and licence,
read once by :mod:`flaucluster.lexicon` and kept here as module constants (:data:`STOPWORDS_FR` is spaCy's
French stop-word list, less ``stopwords-keep.txt``, plus ``stopwords-extra.txt``; :data:`COURSE_FILLER_FR`,
:data:`NUMERALS_FR`, :data:`LINK_WORDS`, :data:`ROLE_WORDS`, :data:`GENDER_PAIRS`...), overridable through
the labeller's ``stop_words`` / ``extra_stop_words`` / ``gender_pairs`` parameters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import simplemma

from . import lexicon
from .gender import GENDER_PAIRS, INCLUSIVE_SUFFIXES, masculine, suffix_masculine
from .lexicon import fold_key, is_known_word

_known = is_known_word

__all__ = [
    "drop_role_words",
    "fold_inclusive",
    "fold_key",
    "is_stopword",
    "lemma_key",
    "masculine",
    "restore_accents",
    "restore_spelling",
    "tokens",
    "unshout",
]

# --------------------------------------------------------------------------- word lists
# Each list is a text file under flaucluster/data/fr/ whose header names its source and licence (lexicon).
# spaCy's French stop words, less the words that name fields (stopwords-keep.txt), plus flaucluster's extra
_SPACY, _KEEP, _EXTRA = (lexicon.words(f"stopwords-{part}.txt") for part in ("spacy", "keep", "extra"))
STOPWORDS_FR: frozenset[str] = (_SPACY - _KEEP) | _EXTRA
# what every course description says whatever its subject ("formation", "niveau", "objectifs", "heures")
COURSE_FILLER_FR: frozenset[str] = lexicon.words("course-filler.txt")


def stop_set(stop_words: Iterable[str] | None = None, extra: Iterable[str] = ()) -> frozenset[str]:
    """Words never used as keywords: ``stop_words`` (default French stopwords + course filler) plus ``extra``."""
    base = STOPWORDS_FR | COURSE_FILLER_FR if stop_words is None else frozenset(stop_words)
    return base | frozenset(extra)


# number words: never a keyword on their own ("deux jours", "niveau III" say nothing of a theme)
NUMERALS_FR: frozenset[str] = lexicon.words("numerals.txt")
_NUMERAL_KEYS = frozenset(fold_key(w) for w in NUMERALS_FR)


def is_numeral(word: str) -> bool:
    """A number written in letters (``deux``, ``troisième``, ``XII``): not content on its own."""
    return fold_key(word.lower()) in _NUMERAL_KEYS


ACCENT_INDEX_VERSION = 1  # raise when the rule of _build_accent_index changes


@lru_cache(maxsize=1)
def _accent_index() -> dict[str, str]:
    """:func:`_build_accent_index`, kept on disk beside the embedding cache (``accents-<key>.json``, the key
    naming simplemma's version, our word lists and the rule's version): building it reads the whole
    dictionary, about half a second that every later process is spared. A cache that cannot be read or
    written is built again, never trusted half-written."""
    import hashlib
    import json

    from .io import atomic_path, default_cache_dir, load_json

    extra = _listed_spellings()
    version = getattr(simplemma, "__version__", "")
    key = hashlib.sha256(json.dumps([ACCENT_INDEX_VERSION, version, extra]).encode("utf-8")).hexdigest()[:16]
    path = default_cache_dir() / f"accents-{key}.json"
    try:
        index = load_json(path.read_text(encoding="utf-8"))
        if isinstance(index, dict):
            return index
    except (OSError, ValueError):
        pass
    index = _build_accent_index()
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass  # a read-only cache: built again next time
    return index


def _build_accent_index() -> dict[str, str]:
    """Unaccented spelling -> the accented word the French dictionary (and our word lists) know.

    Where several accented words share an unaccented spelling (``equipe``: équipe, équipé), a word that is
    its own lemma wins (the noun over the participle), then one that is not a verb form, then one whose
    plural the dictionary knows too (``pêche`` over ``péche``), then the one with fewer accents (``pâte``
    over ``pâté``), then alphabetical order: the same choice on every machine."""
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    known = DefaultDictionaryFactory().get_dictionary("fr")
    candidates: dict[str, list[str]] = {}
    extra = _listed_spellings()
    for word in (*known.keys(), *extra):
        if not word.isascii() and word.islower():
            candidates.setdefault(fold_key(word), []).append(word)

    def rank(word: str) -> tuple:
        lemma = simplemma.lemmatize(word, lang="fr")
        own = word in extra or lemma == word
        verbal = lemma != word and lemma.endswith(_INFINITIVE)  # élèves (élève) over élevés (élever)
        # a word whose plural is known too is well attested: "pêche" (pêches) over "péche"
        attested = _known(word + "s") or _known(word + "x")
        return (not own, verbal, not attested, sum(not c.isascii() for c in word), word)

    return {
        plain: words[0] if len(set(words)) == 1 else min(set(words), key=rank) for plain, words in candidates.items()
    }


@lru_cache(maxsize=1)
def _listed_spellings() -> tuple[str, ...]:
    """The words of our lists, as spelling evidence for the accent index. spaCy's stop-word list writes some
    words with their accents dropped one by one ("deja", "dejà", "déja", "déjà"): of those, only the spelling
    with the most accents counts."""
    accents = {w: sum(not c.isascii() for c in w) for w in _SPACY}
    most: dict[str, int] = {}
    for w, n in accents.items():
        most[fold_key(w)] = max(n, most.get(fold_key(w), 0))
    base = {w for w, n in accents.items() if n == most[fold_key(w)]}
    own = {*GENDER_PAIRS, *GENDER_PAIRS.values(), *(STOPWORDS_FR - _SPACY), *COURSE_FILLER_FR, *NUMERALS_FR}
    return tuple(sorted(own | (base & STOPWORDS_FR)))


def restore_accents(word: str) -> str:
    """Spell a word written without its accents the way the French dictionary knows it.

    Where several accented words share an unaccented spelling, the choice is the same on every machine
    (the word that is its own lemma, then one that is not a verb form, ...). ``oe`` and ``ae`` become
    ``œ`` and ``æ`` where the dictionary knows that spelling (``oeuvre`` -> ``œuvre``). Small grammar
    words are written as meant (``du`` is not ``dû``, ``a`` is not ``à``).

    Parameters
    ----------
    word : str
        A word, in lower case.

    Returns
    -------
    str
        The accented word, in lower case; a word that is not plain ASCII letters, a grammar word, or a
        word the dictionary knows as written or does not know at all is returned as it is.

    Examples
    --------
    >>> restore_accents("ecole"), restore_accents("etudiantes")
    ('école', 'étudiantes')
    """
    if not word.isascii() or not word.isalpha() or word in _GRAMMAR_WORDS:
        return word  # "du" is not "dû", "a" is not "à": small words are written as meant
    for plain, tied in (("oe", "œ"), ("ae", "æ")):  # "oeuvre" is known as a verb form; the noun is "œuvre"
        if plain in word and _known(ligature := word.replace(plain, tied)):
            return ligature
    return word if _known(word) else _accent_index().get(word, word)


def restore_case(written: str, spelled: str) -> str:
    """``spelled`` (lowercase) with the case of ``written``, letter by letter when both have as many letters:
    ``Ecole`` + ``école`` -> ``École``, ``Al-Qaida`` + ``al-qaïda`` -> ``Al-Qaïda``, ``PostgreSQL`` kept as
    written. Where a ligature changed the length (``Oeuvre`` -> ``œuvre``), capitals or a first capital."""
    if len(written) == len(spelled):
        return "".join(s.upper() if w.isupper() else s for w, s in zip(written, spelled))
    if written.isupper() and len(written) > 1:
        return spelled.upper()
    if written[:1].isupper():
        return spelled[:1].upper() + spelled[1:]
    return spelled


_PIECES = re.compile(r"([^'’-]+)")


def restore_spelling(word: str) -> str:
    """A word as written, with the accents the dictionary gives each of its pieces and their case kept.

    The pieces are what apostrophes and hyphens separate (``d'Ecole`` -> ``d'École``, ``arriere-plan`` ->
    ``arrière-plan``); each is spelled by :func:`restore_accents` and given its written case letter by letter
    (:func:`restore_case`), so ``PostgreSQL``, ``LaTeX``, ``Super-G`` and ``Al-Qaïda`` keep their capitals.

    Parameters
    ----------
    word : str
        A word in any case, possibly elided or hyphenated.

    Returns
    -------
    str
        The word with its accents restored and its case as written.

    Examples
    --------
    >>> restore_spelling("d'Ecole"), restore_spelling("PostgreSQL"), restore_spelling("Super-G")
    ("d'École", 'PostgreSQL', 'Super-G')
    """
    return _PIECES.sub(lambda m: restore_case(m.group(), restore_accents(m.group().lower())), word)


# words allowed between two content words of a phrase ("droit du travail", "gestion d'équipe");
# coordination (et, ou) is not: "méthodes et plan" is two things, not one phrase.
LINK_WORDS: frozenset[str] = frozenset(word for word, *uses in lexicon.entries("link-words.txt") if "phrase" in uses)
# words that link a job title's role to the rest of it ("Chef de projet", "Chef et cuisinier")
ROLE_LINKS: frozenset[str] = frozenset(word for word, *uses in lexicon.entries("link-words.txt") if "role" in uses)

# small words written as meant ("du" is not "dû", "a" is not "à"), but not the accentless spelling of another
# word of the lists that the dictionary does not know as written ("tres" is "très", "etait" is "était")
_ACCENTED_KEYS = frozenset(fold_key(w) for w in (*STOPWORDS_FR, *LINK_WORDS) if not w.isascii())
_GRAMMAR_WORDS = frozenset(
    w for w in (*STOPWORDS_FR, *LINK_WORDS) if w.isascii() and (w not in _ACCENTED_KEYS or _known(w))
)

_SUFFIX_ALT = "|".join(sorted(INCLUSIVE_SUFFIXES, key=lambda s: (-len(s), s)))
_WORD = r"[^\W\d_]+"
# acteur·rice·s, étudiant.e.s, salarié-e-s, technicien·ne, agent•e
_INCLUSIVE_DOT = re.compile(rf"\b({_WORD})[·•.\-‧]({_SUFFIX_ALT})(?:[·•.\-‧](s))?\b")
# formateur(trice), infirmier(ère)s, salarié(e)s, directeur (trice)
_INCLUSIVE_PAREN = re.compile(rf"\b({_WORD})\s?\(({_SUFFIX_ALT})\)(s)?")
# Conducteur / Conductrice, chef/cheffe, conseiller ou conseillère
_PAIR = re.compile(rf"\b({_WORD})(\s*/\s*|\s+ou\s+|\s+et\s+)({_WORD})\b")
# Conducteur routier / Conductrice routière, Mécanicien-réparateur / Mécanicienne-réparatrice
_HWORD = rf"{_WORD}(?:-{_WORD})*"
_PHRASE_PAIR = re.compile(rf"\b((?:{_HWORD}\s+){{0,3}}{_HWORD})\s*/\s*((?:{_HWORD}\s+){{0,3}}{_HWORD})\b")

_ELIDED = sorted(lexicon.words("elisions.txt"), key=lambda w: (-len(w), w))  # "jusqu" before "qu"
_ELISION = re.compile(rf"\b(?:{'|'.join(_ELIDED)})['’`](?=\w)", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W\d_](?:[^\W_]|['’-](?=[^\W\d_]))*", re.UNICODE)
_SENTENCE_BREAK = re.compile(r"[.!?;:,()\[\]«»\"“”/|…–—]+")

# ------------------------------------------------------------------------ capitals
# One rule for text typed in capitals, whether a whole text (unshout), a clause of one (unshout_words) or a
# keyword shown (is_shouted): an unknown word of five letters at most is an acronym (RH, TVA, CACES, HACCP);
# a known word of four letters or more is a common word typed in capitals (SÉCURITÉ).
_ACRONYM_MAX = 5
_SHOUTED_MIN = 4


def is_acronym(token: str) -> bool:
    """RH, TVA, CACES, HACCP: five letters at most and not a word the dictionary knows."""
    return len(token) <= _ACRONYM_MAX and not is_known_word(restore_accents(token.lower()))


def is_shouted(word: str) -> bool:
    """A common word written in capitals ("SÉCURITÉ" in a title typed in capitals), not an acronym (RH, TVA,
    CACES, HACCP): four letters or more, all capitals (an inclusive ``·`` aside), and a word the dictionary knows."""
    return len(word) >= _SHOUTED_MIN and word.isupper() and "·" not in word and is_known_word(word.lower())


def _unshout_word(word: str) -> str:
    return word if is_acronym(word) else word.lower()


def unshout_words(tokens: list[str]) -> list[str]:
    """The tokens of a clause typed in capitals (each word in capitals, one of four letters or more), in lower
    case but for its acronyms; the tokens of any other clause as they are."""
    if all(t.isupper() for t in tokens if any(c.isalpha() for c in t)) and any(len(t) >= _SHOUTED_MIN for t in tokens):
        return [_unshout_word(t) for t in tokens]
    return tokens


def unshout(text: str) -> str:
    """A text typed in capitals, in lower case but for its acronyms.

    Capitals carry no meaning there, and a cased encoder reads them as other words. A word is kept as an
    acronym when it has five letters at most and is not a word the dictionary knows (RH, TVA, CACES).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The text in lower case but for its acronyms when it has capitals and no lowercase letter; any
        other text as it is.

    Examples
    --------
    >>> unshout("AGRICULTURE, SYLVICULTURE ET PÊCHE"), unshout("FORMATION RH"), unshout("Formation RH")
    ('agriculture, sylviculture et pêche', 'formation RH', 'Formation RH')
    """
    if any(c.islower() for c in text) or not any(c.isupper() for c in text):
        return text
    return re.sub(_WORD, lambda m: _unshout_word(m.group()), text)


def fold_inclusive(text: str, pairs: dict[str, str] | None = None) -> str:
    """Rewrite inclusive and paired forms to the masculine (the folding key; display is separate).

    ``apprenant·e·s`` -> ``apprenants``; ``formateur(trice)`` -> ``formateur``;
    ``Conducteur / Conductrice`` -> ``Conducteur``; ``conseiller ou conseillère`` -> ``conseiller``;
    ``Agent commercial / Agente commerciale`` -> ``Agent commercial``. A pair of two different words
    (``vente / achat``) is left as it is.

    Parameters
    ----------
    text : str
        Any text.
    pairs : dict of str to str or None, optional
        Masculine -> feminine forms to use instead of :data:`GENDER_PAIRS` (None: :data:`GENDER_PAIRS`).

    Returns
    -------
    str
        The text with each inclusive or paired form replaced by its first, masculine, part.

    Examples
    --------
    >>> fold_inclusive("Chef / Cheffe de projet"), fold_inclusive("formateur(trice)")
    ('Chef de projet', 'formateur')
    """
    text = _INCLUSIVE_DOT.sub(lambda m: m.group(1) + (m.group(3) or ""), text)
    if "(" in text:  # each pattern needs its character: a test in C spares most texts a regex scan
        text = _INCLUSIVE_PAREN.sub(lambda m: m.group(1) + (m.group(3) or ""), text)

    def phrase(m: re.Match) -> str:
        n, rest = _phrase_pair(m, pairs)
        return m.group(0) if n == 0 else " ".join([m.group(1), *rest])

    def pair(m: re.Match) -> str:
        first, second = m.group(1), m.group(3)
        if _same_person_word(first.lower(), second.lower(), pairs):
            return first
        return m.group(0)

    if "/" in text:
        text = _PHRASE_PAIR.sub(phrase, text)
    return _PAIR.sub(pair, text)


def _phrase_pair(m: re.Match, pairs: dict[str, str] | None) -> tuple[int, list[str]]:
    """(n, words after the pair) when the last n words before "/" are the first n after it in the other
    gender (word by word, at least one of them a gender pair, n >= 2, or a hyphenated word); else (0, [])."""
    left, right = m.group(1).split(), m.group(2).split()
    for n in range(min(len(left), len(right)), 0, -1):
        a, b = [w.lower() for w in left[-n:]], [w.lower() for w in right[:n]]
        if n == 1 and "-" not in a[0]:
            continue  # one plain word each: the single-pair rule below decides
        if a != b and all(x == y or _same_person_word(x, y, pairs) for x, y in zip(a, b)):
            return n, right[n:]
    return 0, []


def inclusive_keys(text: str, pairs: dict[str, str] | None = None) -> set[str]:
    """Keys of the words written in both genders in ``text`` (``formateur(trice)``, ``Chef / Cheffe``)."""
    keys = {
        lemma_key(m.group(1).lower(), pairs)
        for pattern in (_INCLUSIVE_DOT, _INCLUSIVE_PAREN)
        for m in pattern.finditer(text)
    }
    keys |= {
        lemma_key(m.group(1).lower(), pairs)
        for m in _PAIR.finditer(text)
        if _same_person_word(m.group(1).lower(), m.group(3).lower(), pairs)
    }
    for m in _PHRASE_PAIR.finditer(text) if "/" in text else ():
        n, _ = _phrase_pair(m, pairs)
        left, right = m.group(1).split()[-n:] if n else [], m.group(2).split()[:n]
        keys |= {lemma_key(x.lower(), pairs) for x, y in zip(left, right) if x.lower() != y.lower()}
    return keys


def _same_person_word(first: str, second: str, pairs: dict[str, str] | None) -> bool:
    """Whether "first / second" names one person in two genders. Written side by side, the pair is its
    own evidence: "Bobinier / Bobinière" folds by the suffix rules even where the dictionary lacks both."""
    return _same_default_person(first, second) if pairs is None else _same_person(first, second, pairs)


@lru_cache(maxsize=100_000)
def _same_default_person(first: str, second: str) -> bool:
    """With the built-in pairs, memoised: "gestion et management" comes back in text after text."""
    return _same_person(first, second, None)


def _same_person(first: str, second: str, pairs: dict[str, str] | None) -> bool:
    if first == second:
        return False
    a, b = lemma_key(first, pairs), lemma_key(second, pairs)
    if a == b and len(a) >= 3:
        return True
    return len(first) >= 3 and fold_key(first) == fold_key(suffix_masculine(second))


# --------------------------------------------------------------------------- role words
# Generic heads of job and course titles: "Technicien de maintenance", "Responsable des achats",
# "Chargé de mission RSE". They say what a person does, not in which field; titles that start with
# them cluster by the role unless the role is taken away (:func:`drop_role_words`).
ROLE_WORDS: frozenset[str] = lexicon.words("role-words.txt")
# what often follows a role before the field: "Chargé de mission", "Chef de projet", "Ingénieur d'études"
ROLE_SECOND: frozenset[str] = lexicon.words("role-followers.txt")
_ROLE_KEYS = frozenset(fold_key(w) for w in ROLE_WORDS)
_ROLE_SECOND_KEYS = frozenset(fold_key(w) for w in ROLE_SECOND)
# the links that go with the role when they follow its last word ("de", "d'", "des"), coordination aside
_AFTER_ROLE = sorted(ROLE_LINKS & LINK_WORDS, key=lambda w: (-len(w), w))
_AFTER_ROLE_WORDS = "|".join(w for w in _AFTER_ROLE if not w.endswith("'"))
_AFTER_ROLE_ELIDED = "|".join(w.removesuffix("'") for w in _AFTER_ROLE if w.endswith("'"))
_AFTER_ROLE_LINK = re.compile(rf"^[\s/,:–—-]*(?:(?:{_AFTER_ROLE_WORDS})\b|(?:{_AFTER_ROLE_ELIDED})['’])", re.IGNORECASE)


def drop_role_words(text: str, pairs: dict[str, str] | None = None) -> str:
    """Take away the role a job or course title starts with, so that what is left names the field.

    The role is the leading run of :data:`ROLE_WORDS` (``Technicien / Technicienne``, ``Chargé·e``), the
    :data:`ROLE_SECOND` words and links between them (``de mission``, ``de projet``), and the links after
    it (``de``, ``d'``, ``des``). Inclusive and paired forms are folded first (:func:`fold_inclusive`).

    Parameters
    ----------
    text : str
        A title.
    pairs : dict of str to str or None, optional
        Masculine -> feminine forms to use instead of :data:`GENDER_PAIRS` (None: :data:`GENDER_PAIRS`).

    Returns
    -------
    str
        What follows the role (folded by :func:`fold_inclusive`); a text that is only a role, or does not
        start with one, is returned as it is.

    Examples
    --------
    >>> drop_role_words("Technicien / Technicienne de maintenance industrielle")
    'maintenance industrielle'
    >>> drop_role_words("Chargé·e de mission RSE"), drop_role_words("Responsable")
    ('RSE', 'Responsable')
    """
    folded = fold_inclusive(text, pairs)
    cut, seen_role = 0, False
    for token in _TOKENS.finditer(folded):
        word = fold_key(token.group(0).lower().replace("’", "'"))
        if word in _ROLE_KEYS or (seen_role and word in _ROLE_SECOND_KEYS):
            seen_role, cut = True, token.end()
        elif not (seen_role and word in ROLE_LINKS):
            break
    if not seen_role:
        return text
    rest = folded[cut:]
    while True:  # the links after the last role word ("de", "d'", "des") go with it
        m = _AFTER_ROLE_LINK.match(rest)
        if not m or not m.group(0).strip():
            break
        rest = rest[m.end() :]
    rest = rest.strip(" \t/,:;–—-")
    return rest if any(c.isalpha() for c in rest) else text


# ------------------------------------------------------------------------- tokenisation
_TOKENS = re.compile(rf"(?P<elision>{_ELISION.pattern})|(?P<word>{_TOKEN.pattern})", re.IGNORECASE)


def tokens(text: str) -> list[str]:
    """Split a text into lowercased word tokens, accents kept.

    An elided particle is its own token ending in ``'`` (``d’équipe`` -> ``d'``, ``équipe``), so phrases
    can be shown as written; hyphenated words stay whole; a token starts with a letter (``2019`` is none).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        The tokens in order, in lower case.

    Examples
    --------
    >>> tokens("Gestion d’équipe et de projets")
    ['gestion', "d'", 'équipe', 'et', 'de', 'projets']
    """
    return [t.lower() for t in cased_tokens(text)]


def cased_tokens(text: str) -> list[str]:
    """:func:`tokens` with the case as written (labels show ``RH``, ``SQL``, ``TVA``)."""
    pairs = _TOKENS.findall(unicodedata.normalize("NFC", text))  # (elision, word): one of them is empty
    if "’" not in text and "`" not in text:
        return [elision or word for elision, word in pairs]
    # a word starts and ends with a letter and holds no backtick: only its apostrophes change
    return [
        elision.replace("’", "'").replace("`", "'") if elision else word.replace("’", "'") for elision, word in pairs
    ]


def words(text: str) -> list[str]:
    """Lowercased words with accents, elided particles removed; hyphenated words kept whole."""
    return [t for t in tokens(text) if not t.endswith("'")]


def segments(text: str) -> list[list[str]]:
    """Tokens (case kept) grouped by clause, so that n-grams never cross punctuation."""
    return [ts for part in _SENTENCE_BREAK.split(text) if (ts := cased_tokens(part))]


@lru_cache(maxsize=200_000)
def _lemma(word: str) -> str:
    lem = simplemma.lemmatize(word, lang="fr")
    if lem == word and word.endswith(("s", "x")) and len(word) > 3 and not _known(word):
        singular = word[:-1]  # unknown plural (apprenants): fall back to the singular when that is a word
        if _known(singular) or singular.endswith(("ant", "ent", "eur", "ier", "ien", "iste", "é")):
            lem = singular
    # the plural of a noun that is also a verb form: "taxes" is taxe, not taxer
    if lem != word and lem.endswith(_INFINITIVE) and word.endswith("s") and len(word) > 3:
        singular = word[:-1]
        if _known(singular) and simplemma.lemmatize(singular, lang="fr") == singular:
            lem = singular
    # simplemma maps some participles to verbs (salariés -> salarier); keep nouns in -é as nouns
    if lem.endswith("er") and word.rstrip("s").endswith(("é", "ée")):
        lem = word.rstrip("s").removesuffix("e") if word.rstrip("s").endswith("ée") else word.rstrip("s")
    return lem.lower()


def lemma_key(word: str, pairs: dict[str, str] | None = None) -> str:
    """One key for all forms of a word: number, gender, elision and accents folded.

    The word is lowercased, its accents restored (:func:`restore_accents`), put in the masculine
    (:func:`masculine`) and lemmatised, then folded (:func:`fold_key`). Show a key with a surface form,
    never as it is.

    Parameters
    ----------
    word : str
        A word, in any case.
    pairs : dict of str to str or None, optional
        Masculine -> feminine forms to use instead of :data:`GENDER_PAIRS` (None: :data:`GENDER_PAIRS`).

    Returns
    -------
    str
        The key: lowercase, accent-free.

    Examples
    --------
    >>> lemma_key("Etudiantes"), lemma_key("étudiant"), lemma_key("apprenants")
    ('etudiant', 'etudiant', 'apprenant')
    """
    return _default_lemma_key(word) if pairs is None else _lemma_key(word, pairs)


@lru_cache(maxsize=200_000)
def _default_lemma_key(word: str) -> str:
    """With the built-in pairs, memoised: text repeats words (the pairs given as ``pairs`` may change)."""
    return _lemma_key(word, None)


def _lemma_key(word: str, pairs: dict[str, str] | None) -> str:
    word = restore_accents(word.lower().replace("’", "'"))
    base = masculine(word, pairs)
    if base == word and word.endswith("s"):
        base = masculine(word[:-1], pairs)
        base = base if base != word[:-1] else word
    return fold_key(masculine(_lemma(base), pairs))


_INFINITIVE = ("er", "ir", "re", "oir")
_INVERSION = re.compile(r"-(?:t-)?(?:ce|il|ils|elle|elles|on|je|tu|nous|vous)$")


@lru_cache(maxsize=200_000)
def is_verb_form(word: str) -> bool:
    """Conjugated verbs, participles used verbally and bare infinitives: not label material.

    simplemma prefers the noun for homographs (``analyse``, ``pose``, ``demande`` stay nouns), so a
    form whose lemma is an infinitive is verbal unless it is the plural of a known noun
    (``séquences``); an infinitive-shaped word is a verb unless its plural is a known word
    (``dossiers``, ``métiers`` are nouns; ``créers`` is not a word) or the dictionary does not know
    it at all (``webinaire``, ``cluster``; but ``containeriser`` is a verb).
    """
    if _INVERSION.search(word):
        return True  # "est-ce", "génèrent-elles", "pouvez-vous"
    if word.endswith("ez") and len(word) > 4:
        return True  # vous-forms and imperatives: "boostez", "apprivoisez"
    lem = simplemma.lemmatize(word, lang="fr")
    if lem != word and lem.endswith(_INFINITIVE):
        singular = word[:-1] if word.endswith("s") else None
        return not (singular and _known(singular) and simplemma.lemmatize(singular, lang="fr") == singular)
    if lem != word or not word.endswith(_INFINITIVE) or len(word) <= 4:
        return False
    if not _known(word):  # a word the dictionary lacks is a loanword noun (webinaire, cluster), not an
        return word.endswith(("iser", "ifier"))  # infinitive, unless shaped like a coined verb
    return not _known(word + "s")


def is_stopword(word: str, stop_words: Iterable[str] | frozenset[str]) -> bool:
    """Whether a token is no keyword: an elided particle, a stopword or a single letter.

    Parameters
    ----------
    word : str
        A token, in lower case (as :func:`tokens` gives).
    stop_words : iterable of str or frozenset of str
        The stopwords, compared accents aside (``etre`` is ``être``, ``a`` is ``à``).

    Returns
    -------
    bool
        True for a token ending in ``'``, one shorter than two characters, or a word of ``stop_words``.
    """
    return word.endswith("'") or len(word) < 2 or fold_key(word) in stop_keys(frozenset(stop_words))


@lru_cache(maxsize=16)
def stop_keys(stop_words: frozenset[str]) -> frozenset[str]:
    """``stop_words`` as accent-insensitive keys."""
    return frozenset(fold_key(w.lower()) for w in stop_words)
