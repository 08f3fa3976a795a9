"""The pictures of the documentation's figures page (docs/figures/): the guided main job on the sample, then
its figures copied and its report, its map (at two zoom levels, with a selection, coloured by theme) and the
notebook widget photographed in headless Chromium: one picture per surface; then the layers on a real catalogue
(data/real/rome_metiers.csv): the report's tree and the map at three zoom levels.

    python scripts/docs_figures.py [docs/figures]

Needs Playwright (dev extra) and Debian's chromium; runs offline on the embedded model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the widget from this tree's flaucluster, as the job below runs it
FIGURES = ("carte", "tailles", "mots_cles", "similarite", "hierarchie", "residus_0", "temps_1")


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "figures").resolve()
    target.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "run"
        job = ["cluster", "data/cours_fr.csv", "--text-column", "title", "--text-column", "description"]
        job += ["--id-column", "id", "--truth-column", "theme", "--themes", "data/domaines_fr.csv"]
        job += ["--by", "provider", "--time", "date", "--out", str(run)]
        # python -m from the checkout: the code of this tree, not of wherever the entry point was installed
        subprocess.run([sys.executable, "-m", "flaucluster", "-q", *job], check=True, cwd=ROOT)
        for name in FIGURES:
            shutil.copyfile(run / "figures" / f"{name}.png", target / f"{name}.png")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((run / "report.html").as_uri())
            page.screenshot(path=str(target / "rapport.png"))
            page.locator("#guidee").scroll_into_view_if_needed()
            page.evaluate("document.getElementById('guidee').scrollIntoView()")
            page.screenshot(path=str(target / "rapport_guidee.png"))
            page.goto((run / "map.html").as_uri())
            page.wait_for_selector("[data-ready='1']")
            page.screenshot(path=str(target / "carte_html.png"))
            zoom_in(page)
            page.screenshot(path=str(target / "carte_html_zoom.png"))
            page.click("[data-testid=fit-view]")
            select_middle(page)
            page.screenshot(path=str(target / "carte_selection.png"))
            page.goto((run / "map.html").as_uri())
            page.wait_for_selector("[data-ready='1']")
            page.click("[data-testid=color-by]")
            page.screenshot(path=str(target / "carte_themes.png"))
            widget_page(browser, run, Path(tmp)).screenshot(path=str(target / "widget.png"))
            layers_pictures(browser, Path(tmp) / "rome", target)
            browser.close()
    print(f"figures: {target}")


def zoom_in(page, steps: int = 4) -> None:
    """Wheel steps in (each x1.43), over the middle of the map."""
    box = page.locator("canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.45)
    for _ in range(steps):
        page.mouse.wheel(0, -240)
    page.wait_for_timeout(200)


def layers_pictures(browser, run: Path, target: Path) -> None:
    """The layers on a real catalogue (data/real/rome_metiers.csv, 1,584 job titles): the report's tree, and the
    map at its first view (the coarsest names), one layer in and zoomed to the clusters."""
    job = ["cluster", "data/real/rome_metiers.csv", "--text-column", "text", "--id-column", "id", "--out", str(run)]
    subprocess.run([sys.executable, "-m", "flaucluster", "-q", *job], check=True, cwd=ROOT)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((run / "report.html").as_uri())
    page.evaluate("document.getElementById('arborescence').scrollIntoView()")
    page.screenshot(path=str(target / "rapport_arborescence.png"))
    page.goto((run / "map.html").as_uri())
    page.wait_for_selector("[data-ready='1']")
    page.screenshot(path=str(target / "carte_couches.png"))
    zoom_in(page, 2)
    page.screenshot(path=str(target / "carte_couches_zoom.png"))
    zoom_in(page, 2)
    page.screenshot(path=str(target / "carte_couches_groupes.png"))
    page.close()


def select_middle(page) -> None:
    """A box selection over the middle of the map: the table under it fills."""
    box = page.locator("canvas").bounding_box()
    page.click("button[data-mode=box]")
    page.mouse.move(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.35)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6, steps=4)
    page.mouse.up()


def widget_page(browser, run: Path, tmp: Path):
    """The notebook widget (MapWidget) of the saved run, in a page that plays anywidget's part, as a notebook
    cell shows it: sized only once drawn."""
    from flaucluster.persist import load_state
    from flaucluster.report.widget import MapWidget

    widget = MapWidget.of(load_state(run / "model"), height=600)
    harness = f"""<!DOCTYPE html><meta charset="utf-8"><style>body {{ margin: 0 }} {widget._css}</style>
<div id="el" style="width: 0"></div><script type="module">{widget._esm}
const state = {{ data: {json.dumps(widget.data)}, height: {widget.height} }};
render({{ model: {{ get: (k) => state[k], set: () => {{}}, save_changes: () => {{}}, on: () => {{}} }},
  el: document.getElementById("el") }});
setTimeout(() => {{ document.getElementById("el").style.width = "1200px"; }}, 50);
</script>"""
    (tmp / "widget.html").write_text(harness, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 600})
    page.goto((tmp / "widget.html").as_uri())
    page.wait_for_function("document.querySelector('#el canvas') && document.querySelector('#el canvas').width > 600")
    page.wait_for_timeout(200)
    return page


if __name__ == "__main__":
    main()
