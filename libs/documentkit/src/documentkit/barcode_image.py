"""A barcode's modules as a PNG data URI, for the PDF templates' <img>.

A PNG costs WeasyPrint next to nothing to embed; the same code as an SVG path took it about 10 ms per
certificate to parse and draw. Each module is several pixels square and the stylesheet asks for
`image-rendering: pixelated` (the PDF image is not interpolated), so the modules keep sharp edges in viewers
that smooth images anyway (poppler does below 4× enlargement). Written with zlib: Pillow is not a run-time
requirement of this code.
"""
import base64
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def modules_png(rows: list[list[bool]], border: int = 0, scale: int = 1) -> bytes:
    """An 8-bit greyscale PNG of `rows` (True = dark module = black pixel) with `border` light modules around
    it, each module `scale` × `scale` pixels."""
    width = len(rows[0]) + 2 * border
    light, dark = b"\xff" * scale, b"\x00" * scale
    margin = light * border
    blank = b"\x00" + light * width  # each scanline starts with its filter type, 0 (none)
    lines = [blank] * (border * scale)
    for row in rows:
        lines += [b"\x00" + margin + b"".join(dark if module else light for module in row) + margin] * scale
    lines += [blank] * (border * scale)
    header = struct.pack(">IIBBBBB", width * scale, len(lines), 8, 0, 0, 0, 0)  # 8-bit grey, not interlaced
    return (PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"".join(lines)))
            + _chunk(b"IEND", b""))


def png_data_uri(rows: list[list[bool]], border: int = 0, scale: int = 1) -> str:
    """modules_png(rows, border, scale) as a data: URI."""
    return "data:image/png;base64," + base64.b64encode(modules_png(rows, border, scale)).decode("ascii")
