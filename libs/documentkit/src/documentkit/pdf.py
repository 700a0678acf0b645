"""HTML + CSS → PDF with WeasyPrint, for the documents the registry hands out (certificate, voucher).

WeasyPrint lays text out with Pango and shapes it with HarfBuzz, so a name in Urdu script comes out joined
and right to left, which reportlab's Helvetica could not do. The templates and their stylesheets are in
pdf_templates/ next to this module, filled by Jinja (autoescaped: a name is text, never markup).

Fonts are the local Noto files (Debian's fonts-noto-core), named by path: Noto Sans for Latin, Noto Naskh
Arabic for Urdu. Not Noto Nastaliq Urdu, though it is the customary Urdu style: it draws a letter as a dotless
skeleton glyph shared by several letters plus separate dot glyphs, and a PDF maps each glyph to one piece of
text, so a name could not be copied or searched back out of the PDF (pdftotext read "محمد علی خان" as
"حمد لی ف ا ن"); Naskh has a glyph per letter and form, and its names map back exactly. Nothing is fetched
over the network: the URL fetcher allows file: and data: URLs only (the fonts, and the barcodes' images).

Building a FontConfiguration loads fontconfig's whole font set, and parsing the @font-face rules copies
the font files; both are done once per thread (WeasyPrint's objects are not shared across threads) and
again after a fork, so a render costs only the layout and the PDF writing. WeasyPrint itself is imported
on the first render: the import takes about 0.9 s (it too loads the font set), which the processes that
never render a document (the web app, the relay) need not pay when they start.
"""
import os
import threading
import unicodedata
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).with_name("pdf_templates")
FONT_DIR = Path("/usr/share/fonts/truetype/noto")  # Debian's fonts-noto-core
# (CSS font-family, font-weight, file): the only faces the documents use.
FONTS = [("Noto Sans", "normal", "NotoSans-Regular.ttf"), ("Noto Sans", "bold", "NotoSans-Bold.ttf"),
         ("Noto Naskh Arabic", "normal", "NotoNaskhArabic-Regular.ttf"),
         ("Noto Naskh Arabic", "bold", "NotoNaskhArabic-Bold.ttf")]
RIGHT_TO_LEFT = {"R", "AL"}  # Unicode bidirectional classes of Arabic-script (and Hebrew) letters


def text_direction(text: str) -> str:
    """"rtl" or "ltr" for the `dir` attribute of an element holding `text`, by its first strongly directional
    character as HTML's dir="auto" decides it (WeasyPrint does not implement "auto"); "ltr" if it has none."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in RIGHT_TO_LEFT:
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                undefined=jinja2.StrictUndefined)
_templates.filters["direction"] = text_direction


def font_faces() -> str:
    """The @font-face rules of FONTS, each naming its file by path; an error naming the Debian package when a
    file is missing (fontconfig would silently fall back to a font without Urdu, printing boxes)."""
    rules = []
    for family, weight, filename in FONTS:
        path = FONT_DIR / filename
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: the certificate and voucher need the Debian package "
                                    f"fonts-noto-core")
        rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{path.as_uri()}"); }}')
    return "\n".join(rules)


class _Renderer:
    """One thread's WeasyPrint state: its font configuration, URL fetcher and parsed stylesheets."""

    def __init__(self):
        import weasyprint  # here, not at the top: see the module's docstring
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        self.weasyprint = weasyprint
        self.fetcher = URLFetcher(allowed_protocols={"file", "data"})
        self.fonts = FontConfiguration()
        self.stylesheets = {"fonts": self.parse_css(string=font_faces())}

    def parse_css(self, **source):
        return self.weasyprint.CSS(**source, font_config=self.fonts, url_fetcher=self.fetcher)

    def write_pdf(self, html: str, stylesheet: str) -> bytes:
        if stylesheet not in self.stylesheets:
            self.stylesheets[stylesheet] = self.parse_css(filename=TEMPLATES / stylesheet)
        document = self.weasyprint.HTML(string=html, url_fetcher=self.fetcher)
        return document.write_pdf(stylesheets=[self.stylesheets["fonts"], self.stylesheets[stylesheet]],
                                  font_config=self.fonts)


_local = threading.local()


def _renderer() -> _Renderer:
    """This thread's renderer, built on first use in this process (after a fork, the child builds its own)."""
    if getattr(_local, "pid", None) != os.getpid():
        _local.renderer, _local.pid = _Renderer(), os.getpid()
    return _local.renderer


def render_pdf(template: str, stylesheet: str, **context) -> bytes:
    """The PDF of pdf_templates/`template` filled with `context`, styled by pdf_templates/`stylesheet`."""
    return _renderer().write_pdf(_templates.get_template(template).render(**context), stylesheet)
