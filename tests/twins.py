"""An independent, deliberately crude French normaliser used to *check* labels for twins."""

import re
import unicodedata

_DISPLAY_PAIR = re.compile(r"[·/](?:rice|euse|ère|ne|fe|e|trice)s?$")
_FEM = [
    ("trices", "teur"),
    ("trice", "teur"),
    ("euses", "eur"),
    ("euse", "eur"),
    ("ères", "er"),
    ("ère", "er"),
    ("iennes", "ien"),
    ("ienne", "ien"),
    ("ffes", "f"),
    ("ffe", "f"),
    ("ées", "é"),
    ("ée", "é"),
    ("antes", "ant"),
    ("ante", "ant"),
    ("aux", "al"),
]


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def crude(word: str) -> str:
    """Accents are ignored: "Ecole" and "école" are the same word written twice."""
    return _plain(_crude(word.lower().replace("œ", "oe")))


def _crude(word: str) -> str:
    w = _DISPLAY_PAIR.sub("", word.lower())
    w = re.sub(r"^(?:l|d|qu|s|n|j|c|m|t|jusqu|lorsqu)['’]", "", w)
    for fem, masc in _FEM:
        if w.endswith(fem) and len(w) > len(fem) + 2:
            return w[: -len(fem)] + masc
    return w[:-1] if len(w) > 3 and w[-1] in "sx" else w


def twins(keywords: list[str]) -> list[tuple[str, str]]:
    """Pairs of keywords that are two forms of one word or phrase."""
    seen: dict[str, str] = {}
    found = []
    for kw in keywords:
        key = " ".join(
            crude(w)
            for w in re.split(r"\s+", kw)
            if w.lower() not in {"de", "du", "des", "la", "le", "les", "à", "au", "aux", "en"}
        )
        if key in seen:
            found.append((seen[key], kw))
        seen.setdefault(key, kw)
    return found
