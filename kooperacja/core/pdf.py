"""PDFs rendered by WeasyPrint from our own HTML: the Informator, a person's data export, the
consent form.

Rendering never makes a network request: the URL fetcher loads the installed fonts, data:
URLs and the folder of the stylesheet given, and refuses every other address, whatever the
data in the HTML holds. WeasyPrint is imported inside the functions, so that the rest of the
site runs on a machine without Pango.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from weasyprint.document import Document
    from weasyprint.urls import URLFetcher, URLFetcherResponse

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))

# Whitespace at the end of a block or before a forced line break. CSS says it is not rendered,
# but WeasyPrint (70) counts it when a line of text nearly fills its box, and then breaks the
# line after its first word ("Szkoła, / klub seniora…"). Template tags leave such whitespace
# everywhere, so it is removed from the HTML before layout.
TRAILING_WHITESPACE = re.compile(r"[ \t\r\n]+(?=<br\s*/?>|</(?:dd|dt|p|li|td|th|h[1-6]|div)>)")


def without_trailing_whitespace(html: str) -> str:
    """The HTML without the whitespace that ends a block or comes before a `<br>` (see
    TRAILING_WHITESPACE): the same text, laid out as a browser lays it out."""
    return TRAILING_WHITESPACE.sub("", html)


def is_local_resource(url: str, folders: Iterable[Path] = ()) -> bool:
    """Whether a PDF may load the address: a data: URL, or a file among the installed fonts or
    in one of `folders`. Anything else (http, https, ftp, other files) is refused."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    if parts.scheme != "file":
        return False
    path = Path(unquote(parts.path)).resolve()
    roots = [root.resolve() for root in (*FONT_DIRS, *folders)]
    return any(path.is_relative_to(root) for root in roots)


def local_only_fetcher(folders: Iterable[Path] = ()) -> URLFetcher:
    """A WeasyPrint URL fetcher that refuses every address `is_local_resource` does not allow:
    rendering a PDF never makes a network request, whatever the data in it contains."""
    from weasyprint.urls import URLFetcher

    allowed = tuple(folders)

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if not is_local_resource(url, allowed):
                raise ValueError(f"refused to fetch {url}: a PDF is rendered from local files only")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


def document(
    html: str,
    *,
    stylesheet_path: str | Path | None = None,
    css: str | None = None,
    base_url: str = "file:///",
    trim_whitespace: bool = True,
) -> Document:
    """The laid-out pages of the HTML, styled by the stylesheet file (whose folder it may load
    files from) and/or the CSS given as text. The whitespace WeasyPrint would break lines at is
    removed first, unless `trim_whitespace` is false."""
    from weasyprint import CSS, HTML

    folders = [Path(stylesheet_path).resolve().parent] if stylesheet_path else []
    fetcher = local_only_fetcher(folders)
    stylesheets = []
    if stylesheet_path:
        stylesheets.append(CSS(filename=str(stylesheet_path), url_fetcher=fetcher))
    if css is not None:
        stylesheets.append(CSS(string=css, url_fetcher=fetcher))
    if trim_whitespace:
        html = without_trailing_whitespace(html)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(stylesheets=stylesheets)


def render_pdf(
    html: str,
    *,
    stylesheet_path: str | Path | None = None,
    css: str | None = None,
    base_url: str = "file:///",
    trim_whitespace: bool = True,
) -> bytes:
    """The HTML as a PDF (see `document`)."""
    laid_out = document(
        html, stylesheet_path=stylesheet_path, css=css, base_url=base_url, trim_whitespace=trim_whitespace
    )
    return bytes(laid_out.write_pdf() or b"")
