"""The README's two map screenshots: a run's map.html with a search, then the same map after an edit
made in the page and applied by `flaucluster edit` (the edit's own round trip).

    python scripts/screenshot_map.py out/demo [docs/]

Needs Playwright (dev extra) and Debian's chromium."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright


def main() -> None:
    run = Path(sys.argv[1]).resolve()
    docs = Path(sys.argv[2] if len(sys.argv) > 2 else "docs").resolve()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 820}, accept_downloads=True)
        page.goto((run / "map.html").as_uri())
        page.wait_for_selector("[data-ready='1']")
        page.fill("input[type=search]", "excel")
        x, y = page.evaluate("flaumap.pointAt(flaumap.indexOf('C0006'))")
        page.mouse.move(x, y)
        page.wait_for_selector("[data-testid=tooltip]", state="visible")
        page.screenshot(path=str(docs / "map-before.png"))
        page.fill("input[type=search]", "")
        page.click("button[data-mode=lasso]")
        page.mouse.move(x - 30, y - 25)
        page.mouse.down()
        for dx, dy in ((30, -35), (35, 0), (25, 30), (-10, 35), (-50, 20)):
            page.mouse.move(x + dx, y + dy, steps=4)
        page.mouse.up()
        page.fill("[data-testid=new-name]", "Sélection à revoir")
        page.click("[data-testid=new-cluster]")
        with page.expect_download() as download:
            page.click("[data-testid=download-edits]")
        edits = Path(tmp) / "edits.json"
        download.value.save_as(edits)
        edited = Path(tmp) / "edited"
        flaucluster = Path(sys.executable).with_name("flaucluster")
        subprocess.run([str(flaucluster), "-q", "edit", str(run), str(edits), "--out", str(edited)], check=True)
        page.goto((edited / "map.html").as_uri())
        page.wait_for_selector("[data-ready='1']")
        page.click("button[data-mode=box]")
        page.mouse.move(x - 40, y - 40)
        page.mouse.down()
        page.mouse.move(x + 40, y + 40, steps=4)
        page.mouse.up()
        page.screenshot(path=str(docs / "map-after.png"))
        browser.close()
    print(f"screenshots: {docs / 'map-before.png'}, {docs / 'map-after.png'}")


if __name__ == "__main__":
    main()
