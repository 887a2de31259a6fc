"""Images for the preview tests, drawn with Pillow (real files, a few hundred bytes each)."""

import io
import struct
import zlib

from PIL import Image

EXIF_ORIENTATION = 0x0112
EXIF_ARTIST = 0x013B
# Orientation 6: the camera was turned; the stored pixels must be rotated 90° clockwise to stand upright.
ROTATE_CLOCKWISE = 6


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 32), color=(200, 30, 30), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def jpeg_with_exif(size: tuple[int, int] = (80, 40)) -> bytes:
    """A landscape JPEG whose EXIF says "rotate to portrait", with an artist tag that must not survive."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATE_CLOCKWISE
    exif[EXIF_ARTIST] = "Alice's phone at 31.2304N 121.4737E"
    return image_bytes("JPEG", size, exif=exif.tobytes())


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int, height: int) -> bytes:
    """A valid-looking PNG of a few dozen bytes that declares a width × height canvas (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _chunk(b"IEND", b"")
    )
