"""A PDF's pages as pixels (pypdfium2), so the PDF the supervisor saves is exactly what the
print preview shows and what the printer gets: one document, never two drawings of it."""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2


@dataclass(frozen=True)
class PageImage:
    width: int
    height: int
    rgb: bytes  # width * height * 3 bytes, rows top to bottom
    width_pt: float  # the page size in PDF points (1/72 inch)
    height_pt: float


def page_count(pdf: bytes) -> int:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def render_pages(pdf: bytes, dpi: float, first: int = 0, last: int | None = None) -> list[PageImage]:
    """Pages ``first``..``last`` (inclusive, 0-based; all by default) rendered at ``dpi``."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        last = len(document) - 1 if last is None else min(last, len(document) - 1)
        pages = []
        for index in range(first, last + 1):
            page = document[index]
            width_pt, height_pt = page.get_size()
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)  # RGB order
            image = bitmap.to_pil().convert("RGB")
            pages.append(PageImage(image.width, image.height, image.tobytes(), width_pt, height_pt))
            bitmap.close()
            page.close()
        return pages
    finally:
        document.close()
