"""The surfaces a person looks at: one palette for the map, the widget and the figures (CIEDE2000 apart, one
grey, stable through edits); group names on the map placed without overlap at every zoom and readable as
elements; the widget's view filling its element however late that gets its size; the side panel; the static
map's names; clusters.xlsx ready to read. The browser parts drive Debian's chromium with Playwright."""

import json
import re
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flaucluster import palette
from flaucluster.palette import OUTLIER_COLOR, ciede2000, hex_to_lab, is_grey
from flaucluster.views import next_colors

from conftest import select_every_point

# Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula", table 1: the 34 test pairs
SHARMA = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),
    ((50.0000, 2.8361, -74.0200), (50.0000, 0.0000, -82.7485), 3.4412),
    ((50.0000, -1.3802, -84.2814), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -1.1848, -84.8006), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -0.9009, -85.5211), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, -1.0000, 2.0000), (50.0000, 0.0000, 0.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0010), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0012), 7.2195),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0009, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0010, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0011, -2.4900), 4.7461),
    ((50.0000, 2.5000, 0.0000), (50.0000, 0.0000, -2.5000), 4.3065),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (61.0000, -5.0000, 29.0000), 22.8977),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((50.0000, 2.5000, 0.0000), (58.0000, 24.0000, 15.0000), 19.4535),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2972, 0.0000), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 1.8634, 0.5757), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2592, 0.3350), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    ((35.0831, -44.1164, 3.7933), (35.0232, -40.0716, 1.5901), 1.8645),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


def test_ciede2000_gives_the_published_differences_of_sharmas_34_pairs():
    lab1 = np.array([p[0] for p in SHARMA])
    lab2 = np.array([p[1] for p in SHARMA])
    want = np.array([p[2] for p in SHARMA])
    assert len(SHARMA) == 34
    np.testing.assert_allclose(ciede2000(lab1, lab2), want, atol=1e-4)
    np.testing.assert_allclose(ciede2000(lab2, lab1), want, atol=1e-4)  # symmetric
    assert ciede2000(lab1, lab1).max() == 0.0


def test_hex_to_lab_gives_the_srgb_primaries_and_greys_without_chroma():
    lab = hex_to_lab(["#ffffff", "#ff0000", "#0000ff", "#808080"])
    np.testing.assert_allclose(lab[0], [100, 0, 0], atol=0.01)
    np.testing.assert_allclose(lab[1], [53.24, 80.09, 67.20], atol=0.05)
    np.testing.assert_allclose(lab[2], [32.30, 79.19, -107.86], atol=0.05)
    assert abs(lab[3, 1]) < 0.01 and abs(lab[3, 2]) < 0.01


def distances(colors):
    lab = hex_to_lab(colors)
    return ciede2000(lab[:, None], lab[None])


def test_the_palette_is_what_its_recipe_gives_none_grey_the_first_twelve_far_apart():
    assert list(palette.PALETTE) == palette.farthest_colors(len(palette.PALETTE), [OUTLIER_COLOR])
    d = distances(list(palette.PALETTE[:12]))
    assert d[np.triu_indices(12, 1)].min() >= 12
    assert is_grey(OUTLIER_COLOR) and not any(is_grey(c) for c in palette.PALETTE)
    assert not any(is_grey(palette.color_at(i)) for i in range(64, 80))  # past the written palette too
    assert len({palette.color_at(i) for i in range(128)}) == 128


@pytest.fixture(scope="module")
def report(fitted, tmp_path_factory):
    from flaucluster.report import report_inputs, write_report

    out = tmp_path_factory.mktemp("surfaces") / "rapport"
    write_report(report_inputs(fitted.state_), out)
    return out


def test_every_cluster_carries_its_colour_the_twelve_largest_twelve_apart_and_only_the_unassigned_grey(report):
    payload = json.loads((report / "topics.json").read_text(encoding="utf-8"))
    clusters = payload["clusters"]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c["color"]) for c in clusters)
    largest = sorted(clusters, key=lambda c: -c["size"])[:12]
    assert len(largest) >= 8
    d = distances([c["color"] for c in largest])
    assert d[np.triu_indices(len(largest), 1)].min() >= 12
    assert not any(is_grey(c["color"]) for c in clusters)
    assert is_grey(payload["unassigned_color"])
    # the map draws the very same colours
    html = (report / "map.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="flau-data">(.*?)</script>', html, re.S).group(1))
    assert {c["id"]: c["color"] for c in data["clusters"]} == {c["id"]: c["color"] for c in clusters}
    assert data["outlier_color"] == payload["unassigned_color"]


def test_colours_belong_to_cluster_ids_through_edits_and_a_new_group_takes_a_colour_no_one_uses(fitted):
    before = fitted.topic_info().set_index("cluster")["color"]
    ids = before.index.tolist()
    members = fitted.document_info().query("cluster == @ids[0]")["id"].tolist()[:5]
    cur = fitted.curate().merge([ids[1], ids[2]]).rename(ids[3], "Renommé").new_cluster(members, name="Nouveau")
    after = cur.topic_info().set_index("cluster")["color"]
    new_id = max(after.index)
    assert new_id not in before.index
    kept = [c for c in ids if c != ids[2]]
    assert all(after[c] == before[c] for c in kept)  # merged into, renamed, lost rows: the same colour
    others = [after[c] for c in after.index if c != new_id]
    assert after[new_id] not in others
    assert distances([after[new_id], *others])[0, 1:].min() >= 12
    assert after[new_id] == next_colors(cur.undo(1).state)[0]  # what the map gave the group it made
    again = cur.undo(1).new_cluster(members, name="Encore")  # undone and made again: the same id, the same colour
    assert again.topic_info().set_index("cluster")["color"][new_id] == after[new_id]


def test_the_figures_paint_clusters_with_their_topic_colours():
    import matplotlib.colors as mcolors

    from flaucluster import plots

    topics = pd.DataFrame(
        {
            "cluster": [0, 1],
            "size": [5, 3],
            "name": ["Droit", "Code"],
            "color": ["#bb1144", "#4455bb"],
        }
    )
    fig = plots.cluster_sizes(topics, n_outliers=2)
    bars = {mcolors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches}
    assert bars == {"#bb1144", "#4455bb", OUTLIER_COLOR}
    assert plots.cluster_color(1, {1: "#4455bb"}) == "#4455bb" and plots.cluster_color(-1) == OUTLIER_COLOR


def overlapping(boxes):
    return [
        (a, b)
        for a, b in combinations(boxes, 2)
        if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5
    ]


def test_the_static_map_places_every_name_it_writes_without_overlap(report):
    from flaucluster import plots

    rng = np.random.default_rng(0)
    centres = rng.uniform(0, 10, size=(30, 2))
    centres[:28] = centres[0] + rng.normal(0, 0.05, size=(28, 2))  # 28 groups crowded in one place
    labels = np.repeat(np.arange(30), 20)
    coords = centres[labels] + rng.normal(0, 0.1, size=(len(labels), 2))
    names = {c: f"Groupe numéro {c} au nom assez long" for c in range(30)}
    fig = plots.cluster_map(coords, labels, names)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = list(fig.axes[0].texts)
    boxes = [tuple(t.get_bbox_patch().get_window_extent(renderer).extents) for t in texts]  # the frames drawn
    frame = fig.axes[0].get_window_extent(renderer)
    assert 10 <= len(texts) < 30  # the crowded ones give way
    assert overlapping(boxes) == []
    assert all(
        b[0] >= frame.x0 - 1 and b[2] <= frame.x1 + 1 and b[1] >= frame.y0 - 1 and b[3] <= frame.y1 + 1 for b in boxes
    )
    assert any(t.arrow_patch is not None for t in texts)  # a name moved aside keeps a line to its group
    svg = (report / "figures" / "carte.svg").read_bytes()
    assert svg.startswith(b"<?xml") and b"<svg" in svg and (report / "figures" / "carte.png").is_file()


def test_clusters_xlsx_is_ready_to_read_with_french_headers_frozen_filtered_sized_and_rounded(report):
    from openpyxl import load_workbook

    book = load_workbook(report / "clusters.xlsx")
    rows, groups = book["lignes"], book["groupes"]
    header = [c.value for c in rows[1]]
    assert header[:6] == ["id", "texte", "groupe", "nom du groupe", "probabilité", "hors groupe"]
    assert {"nom", "lignes", "mots-clés", "couleur"} <= {c.value for c in groups[1]}
    for ws in (rows, groups):
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
    widths = {k: v.width for k, v in rows.column_dimensions.items()}
    assert widths["B"] > widths["A"] >= len("id")  # the text column the widest, each as wide as its content
    assert widths["B"] <= 62
    csv = pd.read_csv(report / "assignments.csv", dtype=str, keep_default_na=False)
    prob = header.index("probabilité")
    written = [r[prob].value for r in rows.iter_rows(min_row=2)]
    assert [float(v) for v in written] == [float(v) for v in csv["probability"]]  # as in the CSV: 0.5912
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)


# ------------------------------------------------------------------ in a browser


LABEL_BOXES = """() => [...document.querySelectorAll('[data-testid=map-label]')].filter(e => !e.hidden).map(e => {
  const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, e.textContent, Number(e.dataset.layer)];
})"""


def stage_box(page):
    return page.evaluate(
        "() => { const r = document.querySelector('.flau-stage').getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"
    )


def test_map_labels_are_elements_that_never_overlap_at_two_zoom_levels(browser, report, fitted):
    page = browser.new_page(viewport={"width": 1300, "height": 820})
    page.goto((report / "map.html").as_uri())
    page.wait_for_selector("[data-ready='1']")
    depth = fitted.layers_.depth
    coarse = [set(fitted.topic_info(layer=level)["name"]) for level in range(depth)]
    names = set(fitted.topic_info()["name"]).union(*coarse)
    seen = []
    for zoom_steps in (0, 4):
        canvas = page.locator("canvas").bounding_box()
        page.mouse.move(canvas["x"] + canvas["width"] * 0.45, canvas["y"] + canvas["height"] * 0.45)
        for _ in range(zoom_steps):
            page.mouse.wheel(0, -240)
        page.wait_for_function(f"flaumap.zoom() {'>' if zoom_steps else '=='} {1.5 if zoom_steps else 1}")
        page.wait_for_timeout(50)
        boxes = page.evaluate(LABEL_BOXES)
        left, top, right, bottom = stage_box(page)
        assert len(boxes) >= 3
        assert overlapping([b[:4] for b in boxes]) == []
        assert all(b[0] >= left and b[2] <= right and b[1] >= top and b[3] <= bottom for b in boxes)
        assert all(b[4] in names or b[4].endswith("…") for b in boxes)
        # the first view names the coarsest layer; zoomed in past every layer, the clusters
        assert {b[5] for b in boxes} == ({-depth} if not zoom_steps else {0})
        seen.append({b[4] for b in boxes})
    assert seen[0] != seen[1]  # zooming in shows other names (those that had no room, or now off the view)
    groups = len(fitted.topic_info()) + sum(len(fitted.topic_info(layer=level)) for level in range(depth))
    assert page.locator("[data-testid=map-label]").count() == groups  # one per group of every layer
    page.close()


def test_the_side_panel_shows_the_selection_under_its_own_heading_and_every_group_in_the_legend(browser, report):
    page = browser.new_page(viewport={"width": 1300, "height": 820})
    page.goto((report / "map.html").as_uri())
    page.wait_for_selector("[data-ready='1']")
    legend = page.locator("[data-testid=legend]")
    items = page.locator("[data-testid=legend-item]")
    assert items.count() > 11
    assert page.evaluate(
        "() => { const l = document.querySelector('[data-testid=legend]'); return l.scrollHeight <= l.clientHeight + 1; }"
    )
    assert all(box["y"] + box["height"] <= 820 for box in (items.nth(i).bounding_box() for i in range(items.count())))
    page.fill("[data-testid=legend-filter]", items.nth(1).inner_text().split(" · ")[1].split(" (")[0])
    assert 1 <= len([i for i in range(items.count()) if items.nth(i).is_visible()]) < items.count()
    assert legend.is_visible()
    select_every_point(page)
    section = page.locator("[data-testid=selection]")
    assert section.locator("h3").inner_text() == "Lignes sélectionnées"
    assert "Modifications" not in section.inner_text()
    widths = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=selection-table] th')].map(t => t.getBoundingClientRect().width)"
    )
    assert widths[1] == max(widths)  # the text column, widest
    box = page.locator(".flau-table").bounding_box()
    rows = page.locator("[data-testid=selection-table] tbody tr")
    visible = [
        r
        for r in (rows.nth(i).bounding_box() for i in range(min(rows.count(), 20)))
        if r["y"] + r["height"] <= box["y"] + box["height"] + 1
    ]
    assert rows.count() > 4 and len(visible) > 4
    # a group made on the page takes the colour its id will have in the report, one no group uses
    page.fill("[data-testid=new-name]", "Sélection")
    page.click("[data-testid=new-cluster]")
    data = page.evaluate("JSON.parse(document.getElementById('flau-data').textContent)")
    swatches = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('[data-testid=legend-item]')]"
        ".map(li => [li.dataset.cluster, getComputedStyle(li.querySelector('.flau-swatch')).backgroundColor]))"
    )
    new = swatches.pop(str(data["next_id"]))
    r, g, b = (int(data["new_colors"][0][i : i + 2], 16) for i in (1, 3, 5))
    assert new == f"rgb({r}, {g}, {b})" and new not in swatches.values()
    page.close()


def test_the_widgets_second_view_fills_its_element_however_late_it_gets_its_size(browser, fitted, tmp_path):
    pytest.importorskip("anywidget", reason="pip install 'flaucluster[notebooks]'")
    from flaucluster.report.widget import MapWidget

    widget = MapWidget.of(fitted.state_, height=560)
    # anywidget's side of the contract, with the element sized only after the map is drawn (as JupyterLab does)
    harness = f"""<!DOCTYPE html><meta charset="utf-8"><style>{widget._css}</style>
<div id="el" style="width: 0; overflow: hidden"></div>
<script type="module">
{widget._esm}
const state = {{ data: {json.dumps(widget.data)}, height: {widget.height}, selected: [], edits: [] }};
const handlers = [];
const model = {{ get: (k) => state[k], set: (k, v) => {{ state[k] = v; }}, save_changes: () => {{}}, on: (e, f) => handlers.push(f) }};
render({{ model, el: document.getElementById("el") }});
window.showAgain = () => handlers.forEach((f) => f());  // carte.show(model): the data sent again
</script>"""
    path = tmp_path / "widget.html"
    path.write_text(harness, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("[data-ready='1']", state="attached")  # drawn, in an element of no width yet
    # what the points cover on the canvas, as a share of the canvas's shorter side
    coverage = """() => {
      const c = document.querySelector('#el canvas'), g = c.getContext('2d');
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let x0 = c.width, x1 = -1, y0 = c.height, y1 = -1;
      for (let y = 0; y < c.height; y += 2) for (let x = 0; x < c.width; x += 2) {
        if (d[(y * c.width + x) * 4 + 3] > 0) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
      }
      const r = document.querySelector('#el .flau-stage').getBoundingClientRect();
      return { spread: Math.max(x1 - x0, y1 - y0) / Math.min(c.width, c.height), css: c.getBoundingClientRect().width, stage: r.width };
    }"""
    for step in ("first", "second"):
        if step == "second":
            page.evaluate("document.getElementById('el').style.width = '0px'; window.showAgain()")
            page.wait_for_timeout(50)
        page.evaluate("document.getElementById('el').style.width = '900px'")
        page.wait_for_function("document.querySelector('#el canvas').getBoundingClientRect().width > 300")
        page.wait_for_timeout(100)
        seen = page.evaluate(coverage)
        assert seen["css"] == pytest.approx(seen["stage"], abs=1)  # the canvas fills its stage
        assert seen["spread"] > 0.75, (step, seen)  # and the points fill the canvas: not drawn tiny
        assert page.locator("#el [data-testid=map-label]:not([hidden])").count() >= 3
    assert page.locator("#el canvas").count() == 1 and errors == []
    page.close()


def test_coloured_by_domain_each_cluster_is_a_shade_of_its_domain_and_domains_stay_apart(browser, report):
    html = (report / "map.html").read_text(encoding="utf-8")
    top = json.loads(re.search(r'id="flau-data">(.*?)</script>', html, re.S).group(1))["layers"][0]
    base = {g["id"]: g["color"] for g in top["groups"]}
    assert distances(list(base.values()))[np.triu_indices(len(base), 1)].min() >= 12  # domains far apart

    def hue(color):
        _, a, b = hex_to_lab([color])[0]
        return np.degrees(np.arctan2(b, a))

    for cluster, shade in top["shade"].items():  # each cluster a shade of its domain's colour: the same hue
        turn = abs(hue(shade) - hue(base[top["of"][cluster]])) % 360
        assert min(turn, 360 - turn) < 15, (cluster, shade)

    page = browser.new_page(viewport={"width": 1300, "height": 820})
    page.goto((report / "map.html").as_uri())
    page.wait_for_selector("[data-ready='1']")
    swatches = (
        "() => Object.fromEntries([...document.querySelectorAll('[data-testid=legend-item]')].map(li => "
        "[li.dataset.cluster, getComputedStyle(li.querySelector('.flau-swatch')).backgroundColor]))"
    )
    before = page.evaluate(swatches)
    page.click("[data-testid=color-by-domain]")
    after = page.evaluate(swatches)
    page.close()

    def hexed(rgb):
        return "#" + "".join(f"{int(v):02x}" for v in re.findall(r"\d+", rgb)[:3])

    assert {c: hexed(v) for c, v in after.items() if c in top["shade"]} == top["shade"]  # the page shows them
    assert hexed(after["-1"]) == hexed(before["-1"])  # the unassigned rows keep their grey


def test_a_domain_renamed_on_the_map_is_named_so_at_the_first_view_and_the_download_applies(browser, report, fitted):
    page = browser.new_page(viewport={"width": 1300, "height": 820}, accept_downloads=True)
    page.goto((report / "map.html").as_uri())
    page.wait_for_selector("[data-ready='1']")
    page.select_option("[data-testid=rename-cluster]", "L0:0")
    page.fill("[data-testid=rename-name]", "Informatique <et> données")
    page.click("[data-testid=rename]")
    shown = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=map-label]')].filter(e => !e.hidden && e.dataset.layer"
        " < 0 && e.dataset.cluster === '0').map(e => e.textContent)"
    )
    with page.expect_download() as download:
        page.click("[data-testid=download-edits]")
    doc = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    page.close()
    assert shown == ["Informatique <et> données"]  # as text, on the coarsest layer's label
    assert doc["edits"] == [{"op": "rename", "layer": 0, "cluster": 0, "name": "Informatique <et> données"}]
    renamed = fitted.curate().apply_edits(doc)  # made on this state: it applies
    assert renamed.topic_info(layer=0)["name"].iloc[0] == "Informatique <et> données"


def test_a_cluster_moved_under_another_domain_on_the_map_takes_its_colour_and_the_download_applies(
    browser, report, fitted
):
    tree = fitted.layers_.tree
    finest = tree.depth - 1

    def domain(group):  # a group of the finest coarser layer -> its domain
        return tree.parents[0][group] if finest else group

    cluster = min(tree.parents[finest])
    here = domain(tree.parents[finest][cluster])
    to = next(g for g in sorted(set(tree.parents[finest].values())) if domain(g) != here)  # in another domain

    html = (report / "map.html").read_text(encoding="utf-8")
    top = json.loads(re.search(r'id="flau-data">(.*?)</script>', html, re.S).group(1))["layers"][0]
    page = browser.new_page(viewport={"width": 1300, "height": 820}, accept_downloads=True)
    page.goto((report / "map.html").as_uri())
    page.wait_for_selector("[data-ready='1']")
    page.click("[data-testid=color-by-domain]")
    page.select_option("[data-testid=reparent-item]", f"{finest}:{cluster}")
    page.select_option("[data-testid=reparent-to]", str(to))
    page.click("[data-testid=reparent]")
    swatch = page.evaluate(
        f'() => getComputedStyle(document.querySelector(\'[data-testid=legend-item][data-cluster="{cluster}"] '
        ".flau-swatch')).backgroundColor"
    )
    logged = page.locator("[data-testid=edit-log] li").all_text_contents()
    with page.expect_download() as download:
        page.click("[data-testid=download-edits]")
    doc = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    page.click("[data-testid=undo]")
    undone = page.locator("[data-testid=edit-log] li").count()
    page.close()

    rgb = [int(v) for v in re.findall(r"\d+", swatch)[:3]]
    assert "#" + "".join(f"{v:02x}" for v in rgb) == {g["id"]: g["color"] for g in top["groups"]}[domain(to)]
    assert logged == [f"rattacher le groupe {cluster} à l'ensemble {to} du niveau {finest}"]
    assert doc["edits"] == [{"op": "reparent", "cluster": cluster, "to": to, "layer": finest}]
    assert undone == 0
    moved = fitted.curate().apply_edits(doc)  # made on this state: it applies, and the cluster is under `to`
    assert moved.state.layers.tree.parents[finest][cluster] == to
