"""Keywords and names: French-aware, twin-free, overridable."""

import numpy as np

from flaucluster.french import STOPWORDS_FR
from flaucluster.label import label_clusters

from twins import twins

JOBS = [
    "Conducteur / Conductrice d'engins de chantier : CACES R482",
    "Formation des conducteurs d'engins de terrassement",
    "Conductrice d’engins : sécurité sur le chantier",
    "Les conducteur·rice·s d'engins apprennent la sécurité du chantier",
    "Chef / Cheffe de chantier : piloter les travaux",
    "La cheffe de chantier organise les travaux du chantier",
    "Infirmier(ère) de bloc opératoire : hygiène au bloc",
    "Les infirmières du bloc opératoire et l'hygiène",
    "Infirmiers et infirmières : soins au bloc opératoire",
    "Soins infirmiers au bloc : l’hygiène avant tout",
    "Technicien·ne de maintenance des soins",
    "Les infirmières de bloc préparent les soins",
]
CLUSTERS = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1])


def labels(texts=JOBS, clusters=CLUSTERS, **kw):
    vectors = np.random.default_rng(0).normal(size=(len(texts), 8)).astype(np.float32)
    return label_clusters(texts, clusters, vectors, **kw)


def test_gender_pairs_fold_into_one_keyword_shown_inclusively():
    chantier, bloc = labels()
    kws = [k for k, _ in chantier.keywords]
    assert "conducteur·rice d'engins" in kws or "conducteur·rice" in kws
    assert not any("conductrice" in k for k in kws)
    assert any(k.startswith("infirmier·ère") for k, _ in bloc.keywords)
    assert not any(k.startswith("infirmières") for k, _ in bloc.keywords)


def test_keywords_keep_accents_and_have_no_stopwords_or_elision_fragments():
    for topic in labels():
        for kw, _ in topic.keywords:
            for word in kw.split(" "):
                assert word not in STOPWORDS_FR or " " in kw, kw
            assert not kw.startswith(("l'", "d'", "qu'")), kw
    assert any("é" in k or "è" in k for t in labels() for k, _ in t.keywords)


def test_no_twins_in_a_gender_and_plural_heavy_corpus():
    for topic in labels():
        assert twins([k for k, _ in topic.keywords]) == [], topic.keywords


def test_extra_stop_words_are_respected():
    chantier, _ = labels(extra_stop_words={"chantier"})
    assert all("chantier" not in k.split(" ") for k, _ in chantier.keywords)


def test_names_and_representatives():
    chantier, bloc = labels()
    assert chantier.name != bloc.name and chantier.name[0].isupper()
    assert len(chantier.representatives) == 3 and set(chantier.representatives) <= set(JOBS[:6])
