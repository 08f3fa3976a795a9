"""What a reader of the built documentation sees, in headless Chromium, opened from the disk with no network:
every page in the navigation loads with no script error and asks for nothing outside the site, the notebooks
show their outputs, and the search finds a word.

    python scripts/check_site.py [site/]

Run by `make docs` after `mkdocs build --strict`. Needs Playwright (dev extra) and Debian's chromium."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright


def main() -> int:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site").resolve()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:  # the site is built; only this reading of it needs a browser
        print("check_site: chromium not found (apt-get install chromium): the site was not read", file=sys.stderr)
        return 3 if os.environ.get("CI") else 0
    pages = sorted(p for p in site.rglob("*.html") if p.name != "404.html")
    outside: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else outside.append(r.url))
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        for path in pages:
            page.goto(path.as_uri(), wait_until="load")
        for name in ("01_explorer", "05_guider"):
            page.goto((site / "notebooks" / f"{name}.html").as_uri())
            if page.locator(".jp-OutputArea-output").count() < 5:
                errors.append(f"{name}: the notebook page shows no outputs")
        page.goto((site / "index.html").as_uri())
        page.keyboard.press("s")  # Material's shortcut: opens the search box, as a reader would
        page.keyboard.type("HDBSCAN")
        meta = page.locator(".md-search-result__meta")
        page.wait_for_function("/[0-9]+ document/.test(document.querySelector('.md-search-result__meta').innerText)")
        found = int(meta.inner_text().split()[0])
        browser.close()
    for line in errors + [f"request outside the site: {u}" for u in outside]:
        print(f"check_site: {line}", file=sys.stderr)
    print(f"check_site: {len(pages)} pages opened from the disk, search found {found} pages for 'HDBSCAN'")
    return 1 if errors or outside else 0


if __name__ == "__main__":
    sys.exit(main())
