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


# Real catalogues drop the accent on capitals ("Ecole", "Etudiant"), or on every letter in ALL CAPS.
CAREFREE = [
    "Etudiant / Etudiante : réussir en Ecole de commerce",
    "Les étudiants de l'école de commerce et l'économie",
    "ECOLE DE COMMERCE : ETUDIANTS ET ECONOMIE",
    "Economie pour les Etudiantes d'école de commerce",
    "Réussir son école de commerce : conseils aux étudiants",
    "Ecole de commerce : économie et gestion pour étudiant·e·s",
    "Webinaires de cuisine : trois recettes",
    "Un webinaire de cuisine, deux recettes de pâtisserie",
    "Webinaires cuisine : recettes de pâtisserie en deux heures",
    "Chatbots et recettes : le webinaire de cuisine",
    "Recettes de cuisine par chatbot, en trois webinaires",
    "Cuisine : premier webinaire, recettes et chatbots",
]
CAREFREE_CLUSTERS = np.array([0] * 6 + [1] * 6)


def test_accentless_capitals_fold_with_the_accented_spelling_and_show_its_accents():
    school, _ = labels(CAREFREE, CAREFREE_CLUSTERS)
    kws = [k for k, _ in school.keywords]
    assert twins(kws) == [], kws
    assert "étudiant·e" in kws, kws  # Etudiant / Etudiante, étudiants, Etudiantes, ETUDIANTS: one keyword
    assert "école de commerce" in kws and "économie" in kws, kws
    assert not any(w in {"ecole", "etudiant", "economie", "etudiants"} for k in kws for w in k.lower().split()), kws


def test_a_plural_the_dictionary_does_not_know_folds_with_its_singular():
    _, kitchen = labels(CAREFREE, CAREFREE_CLUSTERS)
    kws = [k for k, _ in kitchen.keywords]
    assert twins(kws) == [], kws
    for singular in ("webinaire", "chatbot"):  # unknown to the dictionary; both forms are in the text
        forms = {w for k in kws for w in k.lower().split() if w.startswith(singular)}
        assert forms == {singular}, kws


def test_number_words_are_never_a_keyword():
    for topic in labels(CAREFREE, CAREFREE_CLUSTERS):
        for kw, _ in topic.keywords:
            assert not {"deux", "trois", "premier", "heure"} & set(kw.lower().split()), kw


def test_a_catalogue_typed_in_capitals_gets_lowercase_accented_keywords_and_keeps_its_acronyms():
    shouted = [t.upper() + " (RGPD, CACES)" for t in CAREFREE]
    school, kitchen = labels(shouted, CAREFREE_CLUSTERS)
    kws = [k for t in (school, kitchen) for k, _ in t.keywords]
    assert "école de commerce" in kws and "étudiant·e" in kws, kws
    assert not [k for k in kws if k.isupper() and k not in {"RGPD", "CACES"}], kws
