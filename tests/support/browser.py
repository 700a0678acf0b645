"""Headless Chromium for the journeys: Debian's build, driven by Playwright.

Playwright's own browser downloads are not reachable here, so the executable is given
explicitly (CHROMIUM_PATH, default /usr/bin/chromium; `make install` installs it).
"""
import io
import os

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def cnic_image(name: str, cnic: str, side: str) -> bytes:
    """A PNG that looks like one side of a CNIC card (what an applicant's phone would upload)."""
    from PIL import Image, ImageDraw

    card = Image.new("RGB", (640, 400), (222, 238, 226))
    draw = ImageDraw.Draw(card)
    draw.rectangle((10, 10, 630, 390), outline=(20, 90, 50), width=6)
    draw.text((30, 30), "PAKISTAN  National Identity Card", fill=(20, 90, 50))
    lines = [f"Name: {name}", f"Identity Number: {cnic}"] if side == "front" else ["Address: House 1, Lahore"]
    for row, line in enumerate(lines):
        draw.text((30, 120 + 40 * row), line, fill=(0, 0, 0))
    out = io.BytesIO()
    card.save(out, format="PNG")
    return out.getvalue()
