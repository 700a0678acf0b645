"""The certificate and the fee voucher on the real renderer (WeasyPrint and the Noto fonts), read back as a
person's tools would: poppler's pdftotext, pdftoppm and pdffonts, zxing-cpp for the codes, and the glyphs
the page draws (pypdf) against the font's own character map (fontTools), to tell joined letters from isolated
ones. Nothing is mocked."""
import collections
import io
import re
import subprocess

import pytest
import zxingcpp
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ByteStringObject, ContentStream, TextStringObject

from documentkit import pdf as renderer
from domainkit.benefit import TaxBenefit
from documentkit.certificate import render_certificate
from documentkit.voucher import render_voucher

pytestmark = pytest.mark.unit

NUMBER = "PSEB-2026-000123-K"
VERIFY_URL = f"http://127.0.0.1:8004/verify/{NUMBER}"
VOUCHER_NUMBER = "7711000000000013"
LATIN = "Ayesha Khan"
URDU = "محمد علی خان"
LONG_URDU = "ڈاکٹر سیدہ عائشہ پروین چوہدری"  # with Urdu's own letters: ڈ ٹ پ چ, gol he ہ, hamza seat ئ
ZWNJ = "\u200c"  # zero-width non-joiner: the letters either side of it take their unjoined forms
# Bidi controls pdftotext wraps each right-to-left line in (U+202B … U+202C), and their kin.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
DOTS_PER_INCH = 100


def certificate(name: str) -> bytes:
    return render_certificate(name, NUMBER, ["Python", "Data science"], "2026-11-29", "2027-11-29", VERIFY_URL)


def voucher(name: str) -> bytes:
    return render_voucher(name, VOUCHER_NUMBER, 1000, "2026-12-15", "k3j9x2m4p7q8r5t6")


# The font each document draws the name with when it is in Urdu script (WeasyPrint names an embedded font
# after its CSS family and weight) and the file it comes from.
NAME_FONT = {certificate: ("Noto-Naskh-Arabic-Bold", "NotoNaskhArabic-Bold.ttf"),
             voucher: ("Noto-Naskh-Arabic", "NotoNaskhArabic-Regular.ttf")}


def poppler(tool: str, pdf: bytes, tmp_path, *options: str) -> str:
    """What poppler's `tool` prints for `pdf` (saved under tmp_path)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    output = ["-"] if tool == "pdftotext" else []  # to standard output
    return subprocess.run([tool, *options, str(path), *output], capture_output=True, check=True, text=True).stdout


def plain_text(pdf: bytes, tmp_path) -> str:
    """pdftotext's reading of the page with its bidi controls dropped and every run of white space one space.

    pdftotext gives Arabic-script text in logical (typed) order, each right-to-left line between U+202B
    (right-to-left embedding) and U+202C (pop), and breaks lines where the layout does; so a name comes back
    exactly once those marks are gone and the white space is made single spaces."""
    return " ".join(poppler("pdftotext", pdf, tmp_path).translate(BIDI_CONTROLS).split())


def name_box(pdf: bytes, name: str, tmp_path) -> tuple[float, float, float, float]:
    """The box (points, from the top left) around the words of `name` on the page, from `pdftotext -bbox`,
    which lists an Arabic-script word's letters in visual order, right to left: reversed."""
    words = name.split()
    boxes = [tuple(map(float, box)) for *box, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        poppler("pdftotext", pdf, tmp_path, "-bbox")) if word in words or word[::-1] in words]
    assert len(boxes) == len(words), f"the words of {name!r} are not all on the page"
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def page_image(pdf: bytes, tmp_path) -> Image.Image:
    """The page as `pdftoppm -r 100 -png` draws it, in greys."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DOTS_PER_INCH), "-png", "-singlefile", str(path), str(tmp_path / "page")],
                   check=True)
    with Image.open(tmp_path / "page.png") as image:
        return image.convert("L")


def pixels(box: tuple[float, float, float, float]) -> tuple[int, ...]:
    """A box in points as the box of pixels it covers on a page drawn at DOTS_PER_INCH."""
    return tuple(round(value * DOTS_PER_INCH / 72) for value in box)


def ink(image: Image.Image, box: tuple[float, float, float, float]) -> int:
    """How many pixels in `box` (points) are dark."""
    return image.crop(pixels(box)).point(lambda level: 255 if level < 128 else 0).histogram()[255]


def drawn_glyphs(pdf: bytes, font_name: str) -> collections.Counter:
    """The glyph ids the page shows with the embedded font called …+`font_name`, counted. (WeasyPrint writes
    text as two-byte glyph ids, Identity-H, and keeps the font file's glyph ids when it subsets.)"""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = {key: str(font.get_object()["/BaseFont"]) for key, font in page["/Resources"]["/Font"].items()}
    glyphs, current = collections.Counter(), ""
    for operands, operator in ContentStream(page.get_contents(), None).operations:
        if operator == b"Tf":
            current = fonts[operands[0]]
        elif operator in (b"Tj", b"TJ") and current.endswith("+" + font_name):
            for item in (operands[0] if operator == b"TJ" else operands):
                if isinstance(item, (TextStringObject, ByteStringObject)):  # a TJ array's numbers are spacing
                    data = item.original_bytes
                    glyphs.update(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    return glyphs


def name_glyphs(render, name: str) -> collections.Counter:
    """The glyphs `render` draws `name` with: those of the page with the name, less those of the page
    without it (the labels drawn in the same font cancel out)."""
    font_name, _ = NAME_FONT[render]
    return drawn_glyphs(render(name), font_name) - drawn_glyphs(render(""), font_name)


def nominal_glyphs(render, text: str) -> set[int]:
    """The glyph ids the font's character map gives `text`'s characters: each letter's unjoined form."""
    font = TTFont(renderer.FONT_DIR / NAME_FONT[render][1])
    cmap = font.getBestCmap()
    return {font.getGlyphID(cmap[ord(character)]) for character in text if ord(character) in cmap}


@pytest.mark.parametrize("name", [LATIN, URDU, LONG_URDU])
def test_the_certificate_gives_back_the_name_and_number_as_text(name, tmp_path):
    text = plain_text(certificate(name), tmp_path)
    assert name in text and NUMBER in text and "Certificate of Registration" in text
    assert "رجسٹریشن سرٹیفکیٹ" in text and "رجسٹریشن نمبر" in text


def test_the_voucher_gives_back_the_urdu_name_and_grouped_number_as_text(tmp_path):
    text = plain_text(voucher(URDU), tmp_path)
    assert URDU in text and "7711 0000 0000 0013" in text and "Rs 1,000" in text


@pytest.mark.parametrize("render", [certificate, voucher])
@pytest.mark.parametrize("name", [LATIN, URDU, LONG_URDU])
def test_the_name_is_inked_where_the_text_layer_says_it_is(render, name, tmp_path):
    """Where pdftotext places the name, the page pdftoppm draws has ink: a good part of the box is dark, so
    the name is drawn there, not only present in the text layer. (That it is drawn in the right font and
    joined, not as missing-glyph boxes, the tests below check.)"""
    pdf = render(name)
    box = name_box(pdf, name, tmp_path)
    width, height = (box[2] - box[0]) * DOTS_PER_INCH / 72, (box[3] - box[1]) * DOTS_PER_INCH / 72
    assert ink(page_image(pdf, tmp_path), box) > 0.05 * width * height


def test_an_urdu_name_is_laid_out_right_to_left(tmp_path):
    """pdftotext -bbox lists words left to right: the name's first word is the rightmost."""
    words = re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', poppler("pdftotext", voucher(URDU), tmp_path,
                                                                             "-bbox"))
    x = {word[::-1]: float(x_min) for x_min, word in words}
    assert x["محمد"] > x["علی"] > x["خان"]


@pytest.mark.parametrize("render", [certificate, voucher])
@pytest.mark.parametrize("name", [URDU, LONG_URDU])
def test_the_urdu_letters_are_joined_not_isolated(render, name, tmp_path):
    """A font's character map gives each Arabic letter one glyph, its unjoined (isolated) form; shaping
    replaces it with the initial, medial or final form where the letter joins its neighbours. So the glyphs
    the name is drawn with are, for most letters, not the character map's. As a control, the same name with
    a zero-width non-joiner between every two letters (which forbids joining) is drawn with the character
    map's glyphs only, and looks different."""
    letters = [character for character in name if character.isalpha()]
    joined = name_glyphs(render, name)
    apart = name_glyphs(render, ZWNJ.join(name))
    nominal = nominal_glyphs(render, name)
    contextual = sum(count for glyph, count in joined.items() if glyph not in nominal)
    assert contextual >= len(letters) * 2 // 3, f"only {contextual} of {len(letters)} letters in joined forms"
    assert set(apart) <= nominal | nominal_glyphs(render, ZWNJ)
    box = pixels(name_box(render(name), name, tmp_path))
    assert page_image(render(name), tmp_path).crop(box) != page_image(render(ZWNJ.join(name)), tmp_path).crop(box)


@pytest.mark.parametrize("render", [certificate, voucher])
def test_an_urdu_name_is_set_in_the_embedded_noto_naskh_arabic(render, tmp_path):
    """pdffonts lists the font (embedded, subset, with a Unicode map), and the font program in the PDF is
    Noto Naskh Arabic by its own name table, not a fallback fontconfig found."""
    pdf = render(URDU)
    font_name, _ = NAME_FONT[render]
    rows = [line.split() for line in poppler("pdffonts", pdf, tmp_path).splitlines()[2:]]
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows), rows  # emb, sub, uni: every font
    assert any(row[0].endswith("+" + font_name) for row in rows), rows
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        if str(font["/BaseFont"]).endswith("+" + font_name):
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            assert program["name"].getDebugName(1) == "Noto Naskh Arabic"


@pytest.mark.parametrize("name", [LATIN, URDU])
def test_the_certificate_qr_code_still_leads_to_the_verify_url(name, tmp_path):
    pdf = certificate(name)
    assert re.search(r"^Pages: +1$", poppler("pdfinfo", pdf, tmp_path), re.M)
    codes = zxingcpp.read_barcodes(page_image(pdf, tmp_path))
    assert [(code.format, code.text) for code in codes] == [(zxingcpp.BarcodeFormat.QRCode, VERIFY_URL)]
    assert VERIFY_URL in plain_text(pdf, tmp_path)


def test_the_voucher_barcode_still_reads_as_the_voucher_number(tmp_path):
    codes = zxingcpp.read_barcodes(page_image(voucher(URDU), tmp_path))
    assert [(code.format, code.text) for code in codes] == [(zxingcpp.BarcodeFormat.Code128, VOUCHER_NUMBER)]


def test_a_name_is_text_not_markup(tmp_path):
    """A name is escaped into the template: markup in it is printed, never followed (and the renderer's URL
    fetcher would refuse the network anyway)."""
    name = '<img src="http://127.0.0.1:9/x.png"> Ayesha & Co'
    assert name in plain_text(certificate(name), tmp_path)


def test_the_renderer_fetches_nothing_from_the_network():
    with pytest.raises(ValueError, match="disallowed protocol"):
        renderer._renderer().fetcher("http://127.0.0.1:9/font.ttf")


@pytest.mark.parametrize("text, direction", [(URDU, "rtl"), (LATIN, "ltr"), ("12 " + URDU, "rtl"),
                                             ("(Ayesha) محمد", "ltr"), ("", "ltr")])
def test_text_direction_follows_the_first_strong_character(text, direction):
    assert renderer.text_direction(text) == direction


@pytest.mark.parametrize("render", [certificate, voucher])
def test_a_name_with_ligatures_copies_out_as_typed(render, tmp_path):
    """Naskh draws lam-alef (لا, a required ligature) as one glyph that the PDF maps back to both letters.
    Its optional Allah ligature (اللہ) is turned off for names: pdftotext wrote that glyph's three letters
    reversed (ہلل), and pypdf misplaced them."""
    name = "بلال عبداللہ"
    assert name in plain_text(render(name), tmp_path)


def test_the_certificate_states_what_the_registration_is_worth_on_its_one_page(tmp_path):
    benefit = TaxBenefit(0.25, 1.0)
    pdf = render_certificate(LONG_URDU, NUMBER, ["Python"] * 60, "2026-11-29", "2027-11-29", VERIFY_URL,
                             benefit=(benefit.sentence("en"), benefit.sentence("ur")))
    text = " ".join(plain_text(pdf, tmp_path).split())
    assert "withheld at 0.25% instead of 1%" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # the longest name and skills still fit one page
