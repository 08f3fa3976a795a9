#!/usr/bin/env bash
# Renders a report.html in headless Chromium (no network) and saves a PNG screenshot, to check the
# self-contained report really displays.   Usage: scripts/screenshot_report.sh out/demo/report.html [out.png]
# Needs Debian's chromium (apt-get install chromium); exits 3 with a message when it is missing.
set -euo pipefail
report=$(realpath "${1:?usage: $0 REPORT.html [OUT.png]}")
png=$(realpath -m "${2:-${report%.html}.png}")
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then echo "chromium not found: apt-get install chromium" >&2; exit 3; fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# --disable-background-networking & co: the page must render with no network at all.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --hide-scrollbars \
  --window-size=1280,2400 --screenshot="$png" "file://$report" >/dev/null 2>&1
test -s "$png" && echo "screenshot: $png"
