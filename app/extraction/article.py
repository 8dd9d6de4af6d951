"""Reading an article an editor pastes or uploads: plain text as it is, HTML through trafilatura.

From HTML, trafilatura gives the main text (no menus, scripts or footers), the title and the date. From
plain text, the title is a short first line that reads like a headline, and the date is a dateline's
("Tallinn, 15 September 2024") near the top. Paragraphs are the text's lines (or its blank-line blocks,
when the lines are wrapped at a fixed width).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

from app.extraction.dates import full_date_in
from app.extraction.errors import ExtractionError
from app.text import fold

MAX_BYTES = 5_000_000
MAX_TITLE_CHARS = 200
MAX_DATELINE_CHARS = 100
HEAD_PARAGRAPHS = 6  # where a title or dateline may stand
MAX_CONTROL_SHARE = 0.01  # control characters in a text (other than line breaks and tabs) beyond which it is binary

_BINARY_SIGNATURES = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a Word document or another zipped file",
    b"\xd0\xcf\x11\xe0": "an old Word or Excel document",
    b"\x89PNG": "an image",
    b"\xff\xd8\xff": "an image",
    b"GIF8": "an image",
    b"{\\rtf": "an RTF document",
}
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL
)
_HTML_TAGS = re.compile(r"<(?:p|div|article|body|br|h[1-6])\b[^>]*>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)
_SENTENCE_END = re.compile(r"""[.!?:"”“»]$""")


@dataclass(frozen=True)
class Article:
    """An article's text in paragraphs, its title and the date it was published, where known."""

    paragraphs: tuple[str, ...]
    title: str | None = None
    published_on: date | None = None

    @property
    def text(self) -> str:
        """The paragraphs, separated by blank lines."""
        return "\n\n".join(self.paragraphs)


def read_article(raw: bytes | str, *, filename: str | None = None) -> Article:
    """The article in pasted text (str) or an uploaded file (bytes, with its name); ExtractionError if none."""
    field = "file" if filename is not None else "text"
    text = raw if isinstance(raw, str) else _decode(raw, field=field)
    if len(text) > MAX_BYTES:
        raise ExtractionError("The article is too long: paste at most 5 MB of text.", field=field)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise ExtractionError("There is no text to read: the article is empty.", field=field)
    _refuse_binary(text, field=field)
    is_html = (
        (filename or "").lower().endswith(_HTML_SUFFIXES)
        or bool(_HTML_START.match(text))
        or len(_HTML_TAGS.findall(text)) >= 2
    )
    article = _from_html(text) if is_html else _from_plain_text(text)
    if not article.paragraphs:
        raise ExtractionError("No article text was found in this page: paste the article's text instead.", field=field)
    return article


def _decode(raw: bytes, *, field: str) -> str:
    """The text of a file: by its byte-order mark, else UTF-8, else the charset its HTML declares, else Windows-1252."""
    if len(raw) > MAX_BYTES:
        raise ExtractionError("The file is too large: upload at most 5 MB.", field=field)
    for signature, kind in _BINARY_SIGNATURES.items():
        if raw.startswith(signature):
            raise ExtractionError(
                f"This file is {kind}, not text or HTML: paste the article's text instead.", field=field
            )
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace")
    if b"\x00" in raw[:8192]:
        raise ExtractionError("This file is not text or HTML: paste the article's text instead.", field=field)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        declared = _META_CHARSET.search(raw[:4096])
        for encoding in ([declared.group(1).decode("ascii")] if declared else []) + ["cp1252"]:
            try:
                return raw.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    raise ExtractionError("This file is not text or HTML: paste the article's text instead.", field=field)


def _refuse_binary(text: str, *, field: str) -> None:
    """ExtractionError when the text is full of control characters, as binary data read as text is."""
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\t\f\v")
    if controls > MAX_CONTROL_SHARE * len(sample):
        raise ExtractionError("This file is not text or HTML: paste the article's text instead.", field=field)


def _from_html(html: str) -> Article:
    """The main text, title and date of an HTML page; the page's visible text if trafilatura finds no main text."""
    # Imported on first use: trafilatura and lxml take about 11 MB of each worker's memory, and only
    # an editor's pasted article needs them.
    import trafilatura

    document = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, include_images=False
    )
    text = getattr(document, "text", None) or ""
    paragraphs = _lines(text) or _lines(_visible_text(html))
    title = (getattr(document, "title", None) or "").strip() or None
    return Article(tuple(paragraphs), title, _iso_date(getattr(document, "date", None)))


def _iso_date(value: object) -> date | None:
    """A date from trafilatura's 'YYYY-MM-DD', or None."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _lines(text: str) -> list[str]:
    """The non-empty lines of a text, stripped."""
    return [line.strip() for line in text.split("\n") if line.strip()]


class _VisibleText(HTMLParser):
    """The text of an HTML page a reader would see, one block element a line; scripts, styles and templates left out."""

    _HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "svg"})
    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enters a hidden element, or starts a new line at a block."""
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.pieces.append("\n")

    def handle_endtag(self, tag: str) -> None:
        """Leaves a hidden element, or ends a line at a block."""
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        """Keeps the text outside hidden elements."""
        if not self.hidden:
            self.pieces.append(data)


def _visible_text(html: str) -> str:
    """The page's visible text."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return re.sub(r"[ \t]+", " ", "".join(parser.pieces))


def _from_plain_text(text: str) -> Article:
    """Paragraphs, a headline and a dateline from plain text."""
    paragraphs = [paragraph for block in re.split(r"\n\s*\n", text) for paragraph in _block_paragraphs(block)]
    return Article(tuple(paragraphs), _headline(paragraphs), _dateline(paragraphs))


def _block_paragraphs(block: str) -> list[str]:
    """A block's paragraphs: its lines, or the whole block when its lines are wrapped at a fixed width."""
    lines = _lines(block)
    if _is_wrapped(lines):
        return [" ".join(lines)]
    return lines


def _is_wrapped(lines: list[str]) -> bool:
    """Whether lines look wrapped: three or more, all but the last of a like length, most ending mid-sentence."""
    if len(lines) < 3:
        return False
    body = lines[:-1]
    lengths = [len(line) for line in body]
    if max(lengths) > 100 or min(lengths) < 0.6 * max(lengths):
        return False
    return sum(bool(_SENTENCE_END.search(line)) for line in body) < len(body) / 2


def _headline(paragraphs: list[str]) -> str | None:
    """The first short line near the top that reads like a headline: three words or more, no closing stop, no date."""
    for paragraph in paragraphs[:3]:
        words = paragraph.split()
        if (
            len(paragraph) <= MAX_TITLE_CHARS
            and len(words) >= 3
            and not _SENTENCE_END.search(paragraph)
            and full_date_in(paragraph) is None
        ):
            return paragraph
    return None


def _dateline(paragraphs: list[str]) -> date | None:
    """The date of a short line near the top that gives a full date ("Berlin, 8. Oktober 2024")."""
    for paragraph in paragraphs[:HEAD_PARAGRAPHS]:
        if len(paragraph) <= MAX_DATELINE_CHARS:
            found = full_date_in(paragraph)
            if found is not None:
                return found
    return None


def is_title(paragraph: str, title: str | None) -> bool:
    """Whether a paragraph only repeats the article's title."""
    return title is not None and fold(paragraph) == fold(title)
