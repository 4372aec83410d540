"""The offline edition: the site as a zip that works from disk with no network.

`briefing build --offline` builds the site with the offline settings below
into a scratch folder (site/ is not touched) and packs it as
dist/briefing-offline.zip, under one folder, briefing-offline/.  Unzipped anywhere, its
`index.html` opens from file:// and everything works without a network:
styles, links, glossary tooltips, figures and search.

What differs from the online build, and why (all as MkDocs config overrides,
so mkdocs.yml and the online site stay as they are):

- Material's `offline` plugin: plain `.html` URLs instead of directory URLs
  (a file:// link to a folder shows a directory listing, not its index.html),
  and the search index also written as `search/search_index.js`, a script
  that file:// pages may load (fetch/XHR of file:// URLs is blocked).
- Search runs in a web worker, and Chromium refuses to start a worker from a
  file:// URL.  The `iframe-worker` shim stands in for `Worker` on file://
  by running the worker's script in a hidden iframe.  Material's plugin loads
  it from unpkg.com; we ship a pinned copy instead (vendor/iframe-worker/,
  version and MIT licence recorded there), so no request leaves the disk.
- No web fonts (`theme.font: false`: Google Fonts), and no instant
  navigation (it fetches pages with XHR, which file:// blocks).

After the build every page is scanned for anything it would load from
outside file:// (a script, stylesheet, image or frame with an http(s) or
protocol-relative address); any such reference refuses the build.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from . import atomicfile, linkcheck, running, write
from .site import build_site
from .diagnostics import BuildError, Diagnostic
from .project import Project, leads_outside

NAME = "briefing-offline"
VENDOR = Path(__file__).resolve().parent / "vendor" / "iframe-worker"
SHIM = "assets/javascripts/iframe-worker-shim.js"
# Only a web server uses these: the sitemaps need a site_url (and carry the build
# date), and 404.html links from the server root ("/assets/..."), broken on disk.
DROPPED = ("sitemap.xml", "sitemap.xml.gz", "404.html")
# One fixed timestamp for every zip entry, so the same site gives the same zip.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Edition:
    """What an offline build wrote, for the user and for tests."""

    zip_path: Path
    files: int
    size: int
    seconds: float

    def summary(self, root: Path) -> str:
        return (
            f"offline: wrote {self.zip_path.relative_to(root)} "
            f"({self.size / 1_000_000:.2f} MB, {self.size} bytes, {self.files} files) in {self.seconds:.2f} s; "
            f"unzip it and open {NAME}/index.html"
        )


def build_offline(project: Project) -> Edition:
    """Build the offline edition from docs/ and write dist/briefing-offline.zip.

    Raises BuildError; on any error dist/ is left as it was.
    """
    try:
        # In the project, not the system's temporary folder: see generator/running.py.
        scratch = running.scratch_folder(project.root, "offline")
    except running.RunError as error:
        raise BuildError([error.diagnostic]) from None
    try:
        site = scratch / NAME
        seconds = build_site(project, site_dir=site, overrides=overrides(project))
        finish(site)
        book = project.root / "dist" / "briefing.pdf"  # `briefing build --pdf` (generator/book.py)
        if book.is_file() and not leads_outside(project.root, book):
            shutil.copyfile(book, site / book.name)
        # Links are checked here, not in build_site: the shim is only added by finish().
        problems = outside_references(site) + linkcheck.check_site(site, NAME)
        if problems:
            raise BuildError(problems)
        zip_path = project.root / "dist" / f"{NAME}.zip"
        write.refuse_link_outside(project.root, "dist", "copy the zip where it should go")
        try:
            files = write_zip(site, zip_path)
        except OSError as exc:
            raise BuildError([write.cannot_write(f"dist/{NAME}.zip", exc)]) from None
        return Edition(zip_path, files, zip_path.stat().st_size, seconds)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def overrides(project: Project) -> dict:
    """MkDocs config overrides that turn the project's own config into the offline one."""
    from mkdocs.utils import yaml_load

    with open(project.config, encoding="utf-8") as source:
        raw = yaml_load(source) or {}
    return {
        "use_directory_urls": False,
        "plugins": _with_offline_plugin(raw.get("plugins", ["search"])),
        "theme": _offline_theme(raw.get("theme", {"name": "material"})),
        "extra": _with_local_shim(raw.get("extra") or {}),
    }


def _with_offline_plugin(plugins: list | dict) -> list | dict:
    # MkDocs accepts plugins as a list (names or one-key dicts) or as a mapping.
    if isinstance(plugins, dict):
        return {**plugins, "offline": plugins.get("offline") or {}}
    names = [p if isinstance(p, str) else next(iter(p)) for p in plugins]
    return plugins if "offline" in names else [*plugins, "offline"]


def _offline_theme(theme: str | dict) -> dict:
    theme = {"name": theme} if isinstance(theme, str) else dict(theme)
    theme["font"] = False
    features = theme.get("features") or []
    theme["features"] = [f for f in features if not f.startswith("navigation.instant")]
    return theme


def _with_local_shim(extra: dict) -> dict:
    # The offline plugin adds the unpkg shim unless a polyfill named iframe-worker is listed.
    polyfills = [p for p in extra.get("polyfills", []) if "iframe-worker" not in str(p)]
    return {**extra, "polyfills": [*polyfills, SHIM]}


def finish(site: Path) -> None:
    """Add the vendored shim and drop files that only matter on a web server."""
    target = site / SHIM
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(VENDOR / "shim.js", target)
    shutil.copyfile(VENDOR / "LICENSE", target.with_name("iframe-worker-LICENSE.txt"))
    for name in DROPPED:
        (site / name).unlink(missing_ok=True)


class _Loads(HTMLParser):
    """Collects what a page would load by itself: (line, col, tag, address)."""

    # Attributes a browser fetches without a click; <a href> is only a link.
    FETCHED = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
               "video": "src", "embed": "src", "object": "data", "link": "href"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[int, int, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and not {"stylesheet", "icon", "preconnect", "preload", "manifest"} & set(
            (values.get("rel") or "").split()
        ):
            return  # rel=canonical / alternate: not fetched
        for name in (self.FETCHED.get(tag), "srcset"):
            address = values.get(name) if name else None
            if address:
                line, col = self.getpos()
                self.loads.append((line, col + 1, tag, address.strip()))


def outside_references(site: Path) -> list[Diagnostic]:
    """One error per outside address the built pages would load, at its first page."""
    found: dict[tuple[str, str], list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        parser = _Loads()
        parser.feed(page.read_text(encoding="utf-8"))
        for line, col, tag, address in parser.loads:
            if address.startswith(("http:", "https:", "//")) or " http" in address:
                where = f"{page.relative_to(site.parent).as_posix()}:{line}:{col}"
                found.setdefault((tag, address), []).append(where)
    return [_outside_message(tag, address, places) for (tag, address), places in found.items()]


def _outside_message(tag: str, address: str, places: list[str]) -> Diagnostic:
    more = len({p.rsplit(":", 2)[0] for p in places}) - 1
    also = f" (also in {more} other page{'s' if more != 1 else ''})" if more else ""
    file, line, col = places[0].rsplit(":", 2)
    return Diagnostic(file, int(line), int(col), message=f"offline: <{tag}> loads {address} from outside the edition{also}")


def write_zip(site: Path, zip_path: Path) -> int:
    """Pack `site` under its own folder name; replace zip_path only when complete."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    # What killed runs left (their process is gone).
    atomicfile.remove_leftovers(zip_path.parent, re.compile(rf"^\.{re.escape(zip_path.name)}\.(\d+)-.*\.partial$"))
    files = sorted(p for p in site.rglob("*") if p.is_file())
    folders = [site, *sorted(p for p in site.rglob("*") if p.is_dir())]
    # A name of its own per process: two offline builds at once (which the build lock
    # prevents within one project) must never write into the same file.
    fd, partial_name = tempfile.mkstemp(prefix=f".{zip_path.name}.{os.getpid()}-", suffix=".partial", dir=zip_path.parent)
    os.close(fd)
    partial = Path(partial_name)
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            # Folders 0755 and files 0644 whoever builds: the same site gives the same zip,
            # and unzip applies the umask of whoever unpacks it.
            for path in folders:
                entry = zipfile.ZipInfo(f"{site.name}/{path.relative_to(site).as_posix()}/".replace("/./", "/"), ZIP_TIME)
                entry.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10  # 0x10: MS-DOS directory flag
                archive.writestr(entry, b"")
            for path in files:
                entry = zipfile.ZipInfo(f"{site.name}/{path.relative_to(site).as_posix()}", ZIP_TIME)
                entry.external_attr = (stat.S_IFREG | 0o644) << 16
                archive.writestr(entry, path.read_bytes(), zipfile.ZIP_DEFLATED, 9)
        # mkstemp made it 0600: give the zip the mode open() would have.
        os.chmod(partial, atomicfile.file_mode())
        os.replace(partial, zip_path)
    finally:
        partial.unlink(missing_ok=True)
    return len(files)
