"""Screenshots of every page kind of a built site, desktop and phone, light and dark.

    python scripts/screenshots.py [--site site] [--out DIR] [--readme]

Without --readme it writes one PNG per page kind, width and colour scheme into
DIR (default test-results/screenshots, git-ignored) for looking at. With
--readme it writes the few the README shows into docs/assets/screenshots/.
Needs a built site (`briefing build`), Playwright and Debian's chromium.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import subprocess
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# One page of every kind in the seed briefing.
PAGES = {
    "home": "", "articles": "articles/", "article": "articles/lets-just-be-friends/",
    "actors": "actors/", "actor": "actors/viktor-ivanov/", "glossary": "glossary/",
    "timeline": "timeline/", "stances": "stances/", "network": "network/", "data": "data/",
    "guide": "editors-guide/",
}
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
# The README's pictures: (file name, page kind and the anchor to open it at, width, scheme).
README_SHOTS = [
    ("home.png", "home", "desktop", "light"),
    ("actor.png", "actor", "desktop", "light"),
    ("stances-phone.png", "stances#csto-nato-cooperation", "phone", "light"),
    ("timeline-phone-dark.png", "timeline#year-2010", "phone", "dark"),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """A static server for the built site on a free loopback port; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def shoot(browser, url: str, path: str, width: str, scheme: str, target: Path, full_page: bool) -> None:
    """One screenshot of one page at one width in one colour scheme."""
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{url}/{path}")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # Material settles the header after a jump to an anchor
    page.screenshot(path=str(target), full_page=full_page)
    context.close()


def compress(png: Path) -> None:
    """Shrink a PNG losslessly with optipng when it is installed (the README's pictures are committed)."""
    with contextlib.suppress(FileNotFoundError):
        subprocess.run(["optipng", "-quiet", "-o2", "-strip", "all", str(png)], check=False)


def main() -> None:
    """Parse the arguments and write the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--out", type=Path, default=ROOT / "test-results" / "screenshots")
    parser.add_argument("--readme", action="store_true", help="write the README's pictures into docs/assets/screenshots/")
    args = parser.parse_args()
    if args.readme:
        out = ROOT / "docs" / "assets" / "screenshots"
        shots = [(out / name, PAGES[kind.partition("#")[0]] + kind.partition("#")[1] + kind.partition("#")[2],
                  width, scheme, False) for name, kind, width, scheme in README_SHOTS]
    else:
        out = args.out
        shots = [(out / f"{kind}-{width}-{scheme}.png", path, width, scheme, True)
                 for kind, path in PAGES.items() for width in WIDTHS for scheme in ("light", "dark")]
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright, serve(args.site) as url:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for target, path, width, scheme, full in shots:
            shoot(browser, url, path, width, scheme, target, full)
            if args.readme:
                compress(target)
        browser.close()
    print(f"screenshots: {len(shots)} written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
