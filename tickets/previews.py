"""What an attachment may be shown as, decided from its bytes, and its thumbnail drawn with Pillow.

No database access here: tickets.services.previews stores the result and tickets.views serves it.

The browser renders a file inline only when its first bytes are one of the
INLINE_TYPES (raster images and PDF). The type a client declared, the file's
extension and the stored content type are never trusted for that: HTML
disguised as a PNG sniffs as nothing known and goes out as a download, and SVG
(an image that can run script) is never in the inline set at all.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# Leading bytes → the type the file is served as. Order matters only where one prefix contains another.
_SNIFFERS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
SNIFF_BYTES = 16
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
PDF_TYPE = "application/pdf"
INLINE_TYPES = IMAGE_TYPES | {PDF_TYPE}
DOWNLOAD_TYPE = "application/octet-stream"
# Pillow formats a thumbnail is drawn from (what IMAGE_TYPES sniff as).
_THUMBNAIL_FORMATS = frozenset({"PNG", "JPEG", "GIF", "WEBP"})

# Inline responses run in an opaque origin with nothing allowed to load but the file itself.
INLINE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'"


def sniff(head: bytes) -> str | None:
    """The inline type the leading bytes prove, or None (then the file is only ever a download)."""
    for signature, content_type in _SNIFFERS:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_image_type(content_type: str) -> bool:
    return content_type in IMAGE_TYPES


@dataclass(frozen=True)
class Thumbnail:
    content: bytes
    width: int
    height: int


class PreviewError(Exception):
    """The file cannot be previewed; the message is recorded on the attachment (staff see it)."""


def render_thumbnail(data: bytes, *, size: int, max_pixels: int) -> Thumbnail:
    """A JPEG at most `size` pixels on its longer side: upright (EXIF orientation), without any metadata.

    The canvas size is read from the header before anything is decoded; images
    above `max_pixels` (a decompression bomb, or just too large) are refused.
    """
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check only warns below twice its limit: make it an error too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in _THUMBNAIL_FORMATS:
                    raise PreviewError(f"not a previewable image ({image.format})")
                width, height = image.size
                if width * height > max_pixels:
                    raise PreviewError(f"image too large to preview ({width}×{height} pixels)")
                # JPEG can decode straight at a fraction of its size: far less memory for camera photos.
                image.draft("RGB", (size, size))
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((size, size))
                flat = _on_white(upright)
    except PreviewError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PreviewError(f"not a previewable image ({error.__class__.__name__})") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise PreviewError(f"unreadable image ({error.__class__.__name__})") from error
    output = io.BytesIO()
    # A new image saved without exif/icc/comment arguments: the customer's camera and GPS data stay behind.
    flat.save(output, format="JPEG", quality=80, optimize=True)
    return Thumbnail(content=output.getvalue(), width=flat.width, height=flat.height)


def _on_white(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
