"""Names an analyst would sign: words in their usual case, the family's name for a family, no lone adjective,
no phrase lifted from one row."""

import numpy as np
import pytest

from flaucluster.french import restore_spelling, stop_set
from flaucluster.label import FrenchPhraseAnalyzer, cluster_name, label_clusters, modifier_words

# software and place names as real course and news texts write them, once or twice each
CASED = [
    "Administrer PostgreSQL en production",
    "Sauvegarde de bases PostgreSQL",
    "réplication postgresql et haute disponibilité",
    "Réplication PostgreSQL et haute disponibilité",
    "Rendu 3D avec OpenGL",
    "Shaders OpenGL modernes",
    "Migrer vers MariaDB",
    "MariaDB pour les développeurs",
    "Rédiger sa thèse en LaTeX",
    "Mise en page LaTeX avancée",
    "Polices TrueType et OpenType",
    "Les polices TrueType",
    "Histoire d'Al-Qaïda",
    "L'organisation Al-Qaida au Sahel",
    "Le slalom en Super-G",
    "Vitesse et Super-G",
]


def shown(texts, key):
    analyzer = FrenchPhraseAnalyzer(stop_set())
    for text in texts:
        analyzer(text)
    return analyzer.display(key)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("postgresql", "PostgreSQL"),
        ("opengl", "OpenGL"),
        ("mariadb", "MariaDB"),
        ("latex", "LaTeX"),
        ("truetype", "TrueType"),
        ("al-qaida", "Al-Qaïda"),  # written with and without its accent: shown with it, capitals kept
        ("super-g", "Super-G"),
    ],
)
def test_a_word_is_shown_in_the_case_it_is_most_often_written(key, expected):
    assert shown(CASED, key) == expected


def test_a_name_starts_with_a_capital_unless_its_first_word_is_spelled_with_inner_capitals():
    assert cluster_name(["iPhone et iPad"], 0, set()) == "iPhone et iPad"
    assert cluster_name(["langues"], 0, set()) == "Langues"
    assert cluster_name(["PostgreSQL"], 0, set()) == "PostgreSQL"


def test_accents_are_restored_as_before_and_in_elided_and_hyphenated_words():
    assert shown(["Ecole de commerce", "une ecole de commerce"], "ecole") == "école"
    assert restore_spelling("d'Ecole") == "d'École"
    assert restore_spelling("arriere-plan") == "arrière-plan"
    assert restore_spelling("ECOLE") == "ÉCOLE"


def test_a_sentence_initial_capital_is_not_the_usual_case():
    texts = ["Cuisine du monde", "Cuisine de saison", "Atelier cuisine pour enfants"]
    assert shown(texts, "cuisine") == "cuisine"


def test_a_word_mostly_written_first_in_a_title_keeps_the_case_it_has_elsewhere():
    texts = ["Python pour débutants", "Python avancé", "Python et données", "Programmer en Python"]
    assert shown(texts, "python") == "Python"  # three sentence starts say nothing; the fourth title says Python


def test_a_title_typed_in_capitals_is_shown_in_lower_case_but_its_acronyms():
    texts = ["POSTGRESQL POUR LES DEVELOPPEURS", "ADMINISTRATION POSTGRESQL ET SQL", "Requêtes SQL"]
    assert shown(texts, "postgresql") == "postgresql"
    assert shown(texts, "sql") == "SQL"


def random_vectors(n: int) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 8)).astype(np.float32)


def name_of(texts, clusters, cluster=0, **kw):
    topics = label_clusters(texts, np.array(clusters), random_vectors(len(texts)), **kw)
    return next(t.name for t in topics if t.cluster == cluster)


OTHER = [  # a second group, so that c-TF-IDF has something to weigh against
    "Comptabilité générale : le bilan",
    "Clôture des comptes et bilan annuel",
    "Fiscalité et bilan de l'entreprise",
    "Le bilan comptable pas à pas",
    "Trésorerie et bilan",
    "Analyse du bilan financier",
]


def test_a_family_of_languages_is_named_langues_not_its_largest_member():
    courses = [
        "Anglais des affaires",
        "Anglais pour débuter",
        "Réussir le TOEIC en anglais",
        "Anglais oral : prendre la parole",
        "Conversation en anglais",
        "Espagnol pour débuter",
        "Espagnol professionnel",
        "Coréen : premiers pas",
        "Le coréen au quotidien",
        "FLE : français langue étrangère niveau A2",
        "FLE pour les nouveaux arrivants",
        "Japonais débutant",
    ]
    assert name_of(courses + OTHER, [0] * len(courses) + [1] * len(OTHER)) == "Langues"


def test_a_group_of_one_language_keeps_its_name():
    courses = [
        "Anglais des affaires",
        "Anglais pour débuter",
        "Réussir le TOEIC en anglais",
        "Anglais oral : prendre la parole",
        "Conversation en anglais",
        "Anglais juridique",
        "Espagnol pour débuter",
    ]
    assert name_of(courses + OTHER, [0] * len(courses) + [1] * len(OTHER)) == "Anglais"


PEDAGOGY = [  # "pédagogique" is the word of every row, always after the noun it qualifies, never the same one
    "Ingénierie pédagogique : concevoir un module",
    "Ingénierie pédagogique et évaluation",
    "Scénario pédagogique d'une séquence",
    "Accompagnement pédagogique des apprenants",
    "Projet pédagogique d'établissement",
    "Outils numériques : choisir un support pédagogique",
]


def test_an_adjective_alone_never_names_a_group():
    name = name_of(PEDAGOGY + OTHER, [0] * len(PEDAGOGY) + [1] * len(OTHER))
    assert name.lower() != "pédagogique"
    assert name == "Ingénierie pédagogique"  # the noun phrase most rows write it in


def test_the_texts_tell_an_adjective_from_a_noun_without_a_word_list():
    analyzer = FrenchPhraseAnalyzer(stop_set())
    texts = [*PEDAGOGY, "Tableaux Excel", "Macros Excel", "Graphiques Excel", "Excel pour débuter"]
    for text in texts:
        analyzer(text)
    terms = sorted(analyzer.surfaces)
    found = modifier_words(terms, analyzer.surfaces)
    assert "pedagogique" in found
    assert "excel" not in found  # written with a capital: a name, however often it follows a noun
    assert "ingenierie" not in found


ENGLISH = ["Anglais des affaires", "Anglais pour débuter", "Anglais oral", "Conversation en anglais"]


def named_with_an_encoder_that_prefers(rows: list[str], closest) -> str:
    """The name of a group of ``rows`` (beside a group of English courses), by an encoder for which the phrases
    that ``closest`` accepts are the closest in meaning to the group: the rules must still win."""
    centre = random_vectors(len(rows) + len(ENGLISH))[: len(rows)].mean(0)  # the group's mean, as name_of draws it
    elsewhere = np.random.default_rng(1).normal(size=8)

    def embed(phrases):
        return np.array([centre if closest(p) else elsewhere for p in phrases])

    return name_of(rows + ENGLISH, [0] * len(rows) + [1] * len(ENGLISH), embed=embed)


def test_a_phrase_lifted_from_one_row_never_names_a_group():
    rows = [
        "Comptabilité : pièces comptables réelles, pièces comptables réelles et encore pièces comptables réelles",
        "Bilan annuel",
        "Bilan et clôture des comptes",
        "Liasse fiscale",
        "Trésorerie au quotidien",
    ]
    name = named_with_an_encoder_that_prefers(rows, lambda p: "réelles" in p)  # the one row's phrase
    assert name == "Bilan"  # the phrase two rows write, not the one row's


def test_a_narrow_word_gives_way_to_the_wider_one_its_rows_use():
    rows = [
        "Le PNG pour une image web",
        "PNG et transparence d'une image",
        "Exporter une image : choisir PNG",
        "Redimensionner une image",
        "Recadrer une image",
        "Image vectorielle ou matricielle",
        "Calques et image composite",
    ]
    name = named_with_an_encoder_that_prefers(rows, lambda p: p == "PNG")  # the file format
    assert name == "Image"  # every PNG row says "image", and four more rows do


def test_a_phrase_that_covers_a_third_of_its_word_does_not_name_the_group_the_word_does():
    rows = [
        "Écrire du code propre en Python",
        "Code propre et tests",
        "Relire le code d'un collègue",
        "Versionner son code avec Git",
        "Documenter le code",
        "Déboguer du code JavaScript",
    ]
    name = named_with_an_encoder_that_prefers(rows, lambda p: p == "code propre")  # the narrower phrase
    assert name == "Code"  # two of the six rows that say "code" say "code propre"
