"""LimeSurvey's HTML as plain text: scripts, styles and media dropped with their content, tags stripped,
entities unescaped, paragraphs and line breaks kept; and the small text shapes the plan needs (one line, a
short excerpt for the report, a code, paragraphs of a Wagtail rich text field)."""

import re
from html.parser import HTMLParser

from django.utils.html import escape

BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "hr",
    "dl",
    "dt",
    "dd",
    "pre",
    "figure",
    "figcaption",
}
SCRIPT_TAGS = {"script"}
DROPPED_TAGS = {
    "script",
    "style",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "video",
    "audio",
    "canvas",
    "noscript",
    "head",
    "title",
}
MEDIA_TAGS = {"img", "iframe", "object", "embed", "svg", "video", "audio", "canvas"}
VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")
DANGEROUS = re.compile(r"<\s*/?\s*(script|style|iframe|object|embed|svg|template)\b", re.IGNORECASE)


class _TextExtractor(HTMLParser):
    def __init__(self, keep_newlines):
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines
        self.parts = []
        self.dropping = []
        self.removed = set()

    def handle_starttag(self, tag, attrs):
        if tag in MEDIA_TAGS:
            self.removed.add("media")
        if tag in SCRIPT_TAGS or any(name.lower().startswith("on") for name, _value in attrs):
            self.removed.add("script")
        if any((value or "").strip().lower().startswith("javascript:") for _name, value in attrs):
            self.removed.add("script")
        if tag in DROPPED_TAGS and tag not in VOID_TAGS:
            self.dropping.append(tag)
        elif tag in BLOCK_TAGS and not self.dropping:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_endtag(self, tag):
        if tag in VOID_TAGS or tag == "li":
            return
        if self.dropping:
            if tag in self.dropping:
                while self.dropping and self.dropping.pop() != tag:
                    pass
            return
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(data if self.keep_newlines else re.sub(r"\s+", " ", data))

    def handle_comment(self, data):
        pass


def _extract(markup, keep_newlines):
    extractor = _TextExtractor(keep_newlines=keep_newlines)
    extractor.feed(markup)
    extractor.close()
    return "".join(extractor.parts), extractor.removed


def text_from_html(markup):
    """``(text, removed)``: LimeSurvey HTML as plain text (scripts, styles and media dropped with their content,
    tags stripped, entities unescaped, paragraphs and line breaks kept), and what was removed ("script",
    "media"). Escaped markup that unescapes into a script is sanitised again."""
    text, removed = markup or "", set()
    if "<" not in text and "&" not in text:
        return tidy(text), removed
    for round_ in range(5):
        # Newlines are line breaks in text typed without markup, and in what a first pass already produced.
        text, found = _extract(text, keep_newlines=round_ > 0 or not TAG.search(text))
        removed |= found
        if not DANGEROUS.search(text):
            break
    else:
        text = text.replace("<", "‹").replace(">", "›")
        removed.add("script")
    return tidy(text), removed


def tidy(text):
    """Spaces collapsed in each line, at most one blank line in a row, nothing around."""
    lines = [re.sub(r"[ \t\f\v\u00a0]+", " ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    kept = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def one_line(text):
    return " ".join(text.split())


def rich_text(text):
    """Plain text as the paragraphs of a Wagtail rich text field (escaped)."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join("<p>" + "<br/>".join(escape(line) for line in part.split("\n")) + "</p>" for part in paragraphs)


def short(text, limit=80):
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code_from(value, fallback):
    code = re.sub(r"[^A-Za-z0-9_-]", "_", (value or "").strip())
    return code or fallback
