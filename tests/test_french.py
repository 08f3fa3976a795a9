"""French text handling for labels: elisions, inclusive writing, gender and number, accents; word lists."""

import ast
import re
from pathlib import Path

import pytest

from flaucluster.french import drop_role_words, fold_inclusive, fold_key, lemma_key, masculine, tokens, words
from flaucluster.label import inclusive_form


@pytest.mark.parametrize(
    "text, expected",
    [
        ("l'analyse", ["analyse"]),
        ("l’analyse", ["analyse"]),
        ("d’équipe", ["équipe"]),
        ("qu'il", ["il"]),
        ("jusqu’au", ["au"]),
        ("lorsqu'on", ["on"]),
        ("aujourd’hui", ["aujourd'hui"]),
    ],
)
def test_elisions_are_separated_with_both_apostrophes(text, expected):
    assert words(text) == expected


def test_elided_particles_stay_available_to_show_phrases_as_written():
    assert tokens("Gestion d’équipe") == ["gestion", "d'", "équipe"]


def test_accents_are_kept():
    assert words("Sécurité, hôtellerie et comptabilité générale") == [
        "sécurité",
        "hôtellerie",
        "et",
        "comptabilité",
        "générale",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Conducteur / Conductrice d'engins", "Conducteur d'engins"),
        ("Formateur(trice) d'adultes", "Formateur d'adultes"),
        ("Infirmier(ère) de bloc", "Infirmier de bloc"),
        ("les apprenant·e·s", "les apprenants"),
        ("les étudiant.e.s", "les étudiants"),
        ("les acteur·rice·s du territoire", "les acteurs du territoire"),
        ("les salarié-e-s", "les salariés"),
        ("technicien·ne de maintenance", "technicien de maintenance"),
        ("Chef/Cheffe de chantier", "Chef de chantier"),
        ("Directeur/Directrice d’établissement", "Directeur d’établissement"),
        ("conseiller ou conseillère en insertion", "conseiller en insertion"),
        ("les formateur(trice)s", "les formateurs"),
    ],
)
def test_inclusive_and_paired_forms_fold_to_one_word(text, expected):
    assert fold_inclusive(text) == expected


def test_unrelated_pairs_are_left_alone():
    assert fold_inclusive("Word / Excel") == "Word / Excel"
    assert fold_inclusive("fin du cours.Le suivant") == "fin du cours.Le suivant"


@pytest.mark.parametrize(
    "masc, fem",
    [
        ("chef", "cheffe"),
        ("directeur", "directrice"),
        ("vendeur", "vendeuse"),
        ("conseiller", "conseillère"),
        ("technicien", "technicienne"),
        ("infirmier", "infirmière"),
        ("ouvrier", "ouvrière"),
        ("conducteur", "conductrice"),
        ("apprenant", "apprenantes"),
        ("étudiant", "étudiantes"),
    ],
)
def test_gender_and_number_share_one_key(masc, fem):
    assert lemma_key(fem) == lemma_key(masc) == lemma_key(masc + "s") == fold_key(masc)


def test_feminine_nouns_in_their_own_right_are_not_folded():
    assert masculine("matière") == "matière" and masculine("manière") == "manière"
    assert lemma_key("données") == "donnee"


def test_custom_gender_pairs_override_the_defaults():
    assert lemma_key("pilotesse", {"pilote": "pilotesse"}) == "pilote"


@pytest.mark.parametrize(
    "masc, shown",
    [
        ("conducteur", "conducteur·rice"),
        ("chef", "chef·fe"),
        ("infirmier", "infirmier·ère"),
        ("technicien", "technicien·ne"),
        ("vendeur", "vendeur·euse"),
        ("agent", "agent·e"),
    ],
)
def test_inclusive_display_form(masc, shown):
    assert inclusive_form(masc) == shown


@pytest.mark.parametrize(
    "title, field",
    [
        ("Technicien / Technicienne de maintenance industrielle", "maintenance industrielle"),
        ("Responsable des achats", "achats"),
        ("Chargé·e de mission RSE", "RSE"),
        ("Chef de projet informatique", "informatique"),
        ("Ingénieur d'études en biologie", "biologie"),
        ("AGENT DE SECURITE INCENDIE", "SECURITE INCENDIE"),
        ("Directeur / Directrice d’établissement scolaire", "établissement scolaire"),
    ],
)
def test_a_title_without_its_role_names_the_field(title, field):
    assert drop_role_words(title) == field


@pytest.mark.parametrize("title", ["Comptable", "Responsable", "Initiation à Excel", "Boulanger / Boulangère"])
def test_a_title_that_is_only_a_role_or_has_none_is_kept(title):
    assert drop_role_words(title) == title


def test_the_plural_of_a_noun_that_is_also_a_verb_form_folds_to_the_noun():
    assert lemma_key("taxes") == lemma_key("taxe") == "taxe"


@pytest.mark.parametrize(
    "paired, folded",
    [
        ("Bobinier / Bobinière", "Bobinier"),  # neither word is in the dictionary: the pair vouches for them
        ("Mécanicien-réparateur / Mécanicienne-réparatrice de matériel", "Mécanicien-réparateur de matériel"),
        ("Conducteur routier international / Conductrice routière internationale", "Conducteur routier international"),
        ("Formation Chef de rang / Cheffe de rang en brasserie", "Formation Chef de rang en brasserie"),
    ],
)
def test_a_title_written_in_both_genders_folds_phrase_by_phrase(paired, folded):
    assert fold_inclusive(paired) == folded


def test_unrelated_phrases_around_a_slash_are_left_alone():
    assert (
        fold_inclusive("Analyse de données / Statistiques appliquées") == "Analyse de données / Statistiques appliquées"
    )


def test_the_accent_index_is_kept_on_disk_and_read_back_the_same(tmp_path, monkeypatch):
    from flaucluster import french

    monkeypatch.setenv("FLAUCLUSTER_CACHE_DIR", str(tmp_path / "cache"))
    french._accent_index.cache_clear()
    built = french._accent_index()
    files = list((tmp_path / "cache").glob("accents-*.json"))
    assert len(files) == 1 and built["ecole"] == "école"
    french._accent_index.cache_clear()
    assert french._accent_index() == built  # read back, not built again
    files[0].write_text('{"ecole": "éc', encoding="utf-8")  # a file cut short is built again, never trusted
    french._accent_index.cache_clear()
    assert french._accent_index() == built
    french._accent_index.cache_clear()


def test_a_cache_that_cannot_be_written_only_costs_building_the_accent_index_again(tmp_path, monkeypatch):
    from flaucluster import french

    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("FLAUCLUSTER_CACHE_DIR", str(tmp_path / "a-file" / "cache"))  # even root cannot write there
    french._accent_index.cache_clear()
    try:
        assert french._accent_index()["etudiante"] == "étudiante"
    finally:
        french._accent_index.cache_clear()


# ------------------------------------------------------------------ word lists are data, not the sample's
ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "data" / "make_corpus.py"
CATALOGUE = ROOT / "tests" / "data" / "course_catalogue_fr.txt"
# what the filler held before it was checked against the generator: words of its sentence templates
OLD_TEMPLATE_WORDS = {"insistant", "pensé", "démystifier", "décrypter", "part", "belle", "accent", "repère"}


def _forms(text: str) -> set[str]:
    """Each word of ``text`` as written (accents aside) and as its lemma key: "démystifie" meets "démystifier"."""
    return {form for word in words(text) for form in (fold_key(word), lemma_key(word))}


def _template_text() -> str:
    """Every string of data/make_corpus.py (its sentence templates and word pools), placeholders taken out."""
    tree = ast.parse(GENERATOR.read_text(encoding="utf-8"))
    strings = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return re.sub(r"\{[^{}]*\}", " ", "\n".join(strings))  # "{outil}", "{S}" name slots, not words


BUILT_ON_FIRST_USE = {  # not committed (its licence): present only where it was built
    "openfisca_parametres.csv",
    "openfisca_parametres_120x6.csv",
    "openfisca_parametres_1000.csv",
}


def _independent_text() -> str:
    """French course, job and activity language that data/make_corpus.py did not write: the course-catalogue
    list of tests/data and the real titles of data/real/."""
    parts = [CATALOGUE.read_text(encoding="utf-8")]
    for path in sorted((ROOT / "data" / "real").glob("*.csv")):
        if path.name not in BUILT_ON_FIRST_USE:  # the check reads the same texts on every machine
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(line.split("#", 1)[0] for part in parts for line in part.splitlines())


def generator_only(filler) -> list[str]:
    """The words of ``filler`` that data/make_corpus.py uses and no independent text does."""
    generator, independent = _forms(_template_text()), _forms(_independent_text())
    return sorted(w for w in filler if _forms(w) & generator and not _forms(w) & independent)


def test_no_filler_word_of_the_package_occurs_only_in_the_generator_templates():
    from flaucluster.french import COURSE_FILLER_FR

    assert generator_only(COURSE_FILLER_FR) == []
    used = [w for w in COURSE_FILLER_FR if _forms(w) & _forms(_template_text())]
    assert len(used) > 50  # the check has something to check: most filler words are in the sample too


def test_the_check_finds_the_template_words_the_filler_used_to_hold():
    assert generator_only(OLD_TEMPLATE_WORDS | {"formation", "stagiaires"}) == sorted(OLD_TEMPLATE_WORDS)


def test_the_word_lists_are_read_from_the_package_data_files():
    from flaucluster import french, gender, lexicon

    spacy = lexicon.words("stopwords-spacy.txt")
    keep, extra = lexicon.words("stopwords-keep.txt"), lexicon.words("stopwords-extra.txt")
    assert (spacy - keep) | extra == french.STOPWORDS_FR
    assert keep <= spacy and not extra & spacy  # each file says what it claims: kept base words, additions
    assert {"personne", "effet", "retour"} <= keep and not {"personne", "effet", "retour"} & french.STOPWORDS_FR
    assert gender.GENDER_PAIRS["chef"] == "cheffe" and french.GENDER_PAIRS is gender.GENDER_PAIRS
    assert "directeur" in french.ROLE_WORDS and "sept" in french.NUMERALS_FR and "d'" in french.LINK_WORDS
    assert not OLD_TEMPLATE_WORDS & french.COURSE_FILLER_FR
    licences = (ROOT / "flaucluster" / "data" / "fr" / "LICENSES").read_text(encoding="utf-8")
    assert "stopwords-spacy.txt" in licences and "MIT License" in licences


def test_a_data_file_line_of_the_wrong_shape_is_an_error(monkeypatch):
    from flaucluster import lexicon

    monkeypatch.setattr(lexicon, "entries", lambda name: (("chef", "cheffe"), ("agent",)))
    with pytest.raises(ValueError, match="agent"):
        lexicon.pairs("gender-pairs.txt")


@pytest.mark.parametrize(
    "masc, fem",
    [("conducteur", "conductrice"), ("chanteur", "chanteuse"), ("infirmier", "infirmière"), ("chef", "cheffe")],
)
def test_gender_goes_both_ways_from_one_table(masc, fem):
    from flaucluster.gender import feminine

    assert feminine(masc) == fem and masculine(fem) == masc


def test_one_rule_for_capitals_serves_texts_clauses_and_shown_words():
    from flaucluster.french import is_shouted, unshout, unshout_words

    assert unshout("AGENT DE SECURITE RH") == "agent de securite RH"
    assert unshout_words(["AGENT", "DE", "SECURITE", "RH"]) == ["agent", "de", "securite", "RH"]
    assert unshout_words(["Gestion", "RH"]) == ["Gestion", "RH"]
    assert is_shouted("SÉCURITÉ") and not is_shouted("HACCP") and not is_shouted("Sécurité")


def test_the_base_list_s_accentless_spellings_are_spelled_back_and_small_words_are_left_as_written():
    from flaucluster.french import restore_accents

    # spaCy's list holds "tres", "deja", "dejà", "déja" beside "très", "déjà": the full spelling wins
    assert [restore_accents(w) for w in ("tres", "deja", "etait", "egalement")] == [
        "très",
        "déjà",
        "était",
        "également",
    ]
    assert [restore_accents(w) for w in ("a", "ou", "la", "du")] == ["a", "ou", "la", "du"]
