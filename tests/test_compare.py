"""Clusters across classes and periods: every row counted once, the test, dates that do not parse."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from flaucluster import compare
from flaucluster.errors import ConfigError


def test_every_row_is_counted_once_per_class_outliers_and_empty_classes_included():
    labels = np.array([0, 0, 1, 1, 1, -1, 2, 0, -1, 2])
    classes = ["a", "b", "a", "", "a", "b", "", "a", "", "b"]
    table = compare.compare(labels, classes, {0: "zéro", 1: "un", 2: "deux"})
    assert table["count"].sum() == len(labels)
    per_class = table.groupby("class")["count"].sum().to_dict()
    assert per_class == {"": 3, "a": 4, "b": 3}
    per_cluster = table.groupby("cluster")["count"].sum().to_dict()
    assert per_cluster == {-1: 2, 0: 3, 1: 3, 2: 2}
    nested = compare.nested_counts(table)
    assert sum(n for counts in nested.values() for n in counts.values()) == len(labels)
    assert nested["a"] == {"0": 2, "1": 2}
    assert table.loc[table["cluster"] == -1, "residual"].isna().all()  # counted, not tested


def test_a_cluster_made_of_one_class_is_flagged_over_represented_there_and_matches_scipy():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1, 2], 100)
    classes = np.where(labels == 0, "A", rng.choice(["A", "B", "C"], size=300)).tolist()
    table = compare.compare(labels, classes)
    cell = table[(table["cluster"] == 0) & (table["class"] == "A")].iloc[0]
    assert cell["representation"] == compare.OVER
    assert (table[(table["cluster"] == 0) & (table["class"] == "B")]["representation"] == compare.UNDER).all()
    # the adjusted residual, computed here from its definition
    observed = pd.crosstab(labels, np.array(classes)).to_numpy(dtype=float)
    n, row, col = observed.sum(), observed.sum(1), observed.sum(0)
    expected = np.outer(row, col) / n
    r = (observed[0, 0] - expected[0, 0]) / np.sqrt(expected[0, 0] * (1 - row[0] / n) * (1 - col[0] / n))
    assert cell["residual"] == pytest.approx(r, abs=1e-3)
    test = compare.independence_test(labels, classes)
    chi2, p, dof, _ = stats.chi2_contingency(observed, correction=False)
    assert test["statistic"] == pytest.approx(chi2, rel=1e-3) and test["dof"] == dof and test["p_value"] < 1e-10


def test_independent_classes_flag_nothing():
    labels = np.repeat([0, 1, 2, 3], 60)
    classes = (["x", "y", "z"] * 80)[:240]
    table = compare.compare(labels, classes)
    assert (table["representation"] == "").all()
    test = compare.independence_test(labels, classes)
    assert test["statistic"] == 0.0 and test["p_value"] == 1.0 and test["cramers_v"] == 0.0  # every class 20 a cluster


@pytest.mark.parametrize(
    ("written", "year", "quarter", "month"),
    [
        ("2024-03-15", "2024", "2024-T1", "2024-03"),
        ("15/03/2024", "2024", "2024-T1", "2024-03"),  # French order: day first
        ("03/04/2024", "2024", "2024-T2", "2024-04"),
        ("15.11.2023", "2023", "2023-T4", "2023-11"),
        ("2022-07", "2022", "2022-T3", "2022-07"),
        ("2021", "2021", "", ""),  # a year alone has no quarter or month: no period there, never January
        ("mars 2024", "2024", "2024-T1", "2024-03"),
        ("1er août 2025", "2025", "2025-T3", "2025-08"),
        (pd.Timestamp("2020-12-31 23:00"), "2020", "2020-T4", "2020-12"),
        (2019, "2019", "", ""),
    ],
)
def test_dates_as_french_files_write_them(written, year, quarter, month):
    assert compare.periods([written], "year")[0] == [year]
    assert compare.periods([written], "quarter")[0] == [quarter]
    assert compare.periods([written], "month")[0] == [month]


def test_a_year_alone_is_reported_when_months_are_asked(caplog):
    spans, bad = compare.periods(["2024", "2024-05-02", "mai 2024"], "month", column="début")
    assert spans == ["", "2024-05", "2024-05"] and bad == [1]
    assert "début: 1 dates give no month (a year alone: rows 1)" in caplog.text


def test_dates_that_do_not_parse_are_reported_and_kept_with_no_period(caplog):
    values = ["2024-01-02", "à définir", "", "31 février 2024", "2023-13-01", None]
    spans, bad = compare.periods(values, "year", column="date_debut")
    assert spans == ["2024", "", "", "", "", ""]
    assert bad == [2, 4, 5]  # empty cells are not errors; every row is still there
    assert "date_debut: 3 dates could not be read (rows 2, 4, 5)" in caplog.text
    labels = np.array([0, 0, 1, 1, -1, 1])
    table = compare.over_time(labels, values, {0: "a", 1: "b"}, column="date_debut")
    assert table["count"].sum() == len(values)
    assert table.groupby("period")["count"].sum().to_dict() == {"": 5, "2024": 1}
    assert table.attrs["unparsed"] == [2, 4, 5]


def test_over_time_within_each_class_counts_every_row_once():
    rng = np.random.default_rng(1)
    labels = rng.integers(-1, 4, size=200)
    dates = [f"{y}-0{m}-01" for y, m in zip(rng.integers(2020, 2024, 200), rng.integers(1, 9, 200))]
    classes = rng.choice(["présentiel", "distanciel", ""], size=200).tolist()
    table = compare.over_time(labels, dates, {}, within=classes, within_column="format")
    assert table["count"].sum() == 200
    assert table.groupby("class")["count"].sum().to_dict() == pd.Series(classes).value_counts().to_dict()
    assert table.attrs["within"] == "format"


def test_keywords_of_each_period_set_it_apart_within_the_cluster():
    from flaucluster.french import stop_set
    from flaucluster.label import FrenchPhraseAnalyzer

    texts = ["Initiation au tableur Excel"] * 3 + ["Intelligence artificielle générative et Excel"] * 3
    table = compare.period_keywords(
        texts, np.zeros(6, dtype=int), ["2021"] * 3 + ["2025"] * 3, FrenchPhraseAnalyzer(stop_set())
    )
    words = dict(zip(table["period"], table["keywords"]))
    assert "tableur" in " ".join(words["2021"]) and "tableur" not in " ".join(words["2025"])
    assert "générative" in " ".join(words["2025"])


def test_a_column_of_the_wrong_length_or_frequency_is_refused():
    with pytest.raises(ConfigError, match="3 class values for 2 rows"):
        compare.compare(np.array([0, 1]), ["a", "b", "c"])
    with pytest.raises(ConfigError, match="freq='week'"):
        compare.periods(["2024"], "week")  # type: ignore[arg-type]
