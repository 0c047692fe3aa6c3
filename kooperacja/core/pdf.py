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


# The look of every A4 report the platform prints (plans, minutes, recognition): pass it with a
# module's own few extra rules as `css=REPORT_CSS + extra`.
REPORT_CSS = """
@page { size: A4; margin: 18mm 16mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.35; }
h1 { font-size: 15pt; margin: 0 0 3mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm; }
dl { display: grid; grid-template-columns: 45mm auto; margin: 0; } dt { font-weight: bold; } dd { margin: 0 0 1mm; }
table { width: 100%; border-collapse: collapse; margin-bottom: 3mm; }
th, td { border: 0.5pt solid #777; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
.text { white-space: pre-wrap; }
.thanks { margin-top: 8mm; font-style: italic; }
.signatures { margin-top: 16mm; display: flex; justify-content: space-between; }
.signatures div { width: 45%; text-align: center; border-top: 0.8pt solid #000; padding-top: 1mm; font-size: 8.5pt; }
"""


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
