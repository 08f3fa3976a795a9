"""The pictures of the documentation's figures page (docs/figures/): the guided main job on the sample, then
its figures copied and its report and map photographed in headless Chromium.

    python scripts/docs_figures.py [docs/figures]

Needs Playwright (dev extra) and Debian's chromium; runs offline on the embedded model."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ("carte", "tailles", "mots_cles", "similarite", "hierarchie", "residus_0", "temps_1")


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "figures").resolve()
    target.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "run"
        flaucluster = Path(sys.executable).with_name("flaucluster")
        job = ["cluster", "data/cours_fr.csv", "--text-column", "title", "--text-column", "description"]
        job += ["--id-column", "id", "--truth-column", "theme", "--themes", "data/domaines_fr.csv"]
        job += ["--by", "provider", "--time", "date", "--out", str(run)]
        subprocess.run([str(flaucluster), "-q", *job], check=True, cwd=ROOT)
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
            page.click("[data-testid=color-by]")
            page.screenshot(path=str(target / "carte_themes.png"))
            browser.close()
    print(f"figures: {target}")


if __name__ == "__main__":
    main()
