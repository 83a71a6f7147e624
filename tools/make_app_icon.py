"""Makes the app icon ``resources/icons/kiosk-ikd.png`` (256 px) and ``kiosk-ikd.ico`` (16-256 px,
the Windows executable's icon): "IKD" in white on the kiosk's blue, in a rounded square.

Run from the repository root: ``python tools/make_app_icon.py``. Needs DejaVu Sans Bold
(``fonts-dejavu-core``, installed by scripts/setup.sh); the icon is our own work, Apache-2.0.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ICONS_DIR = ROOT / "resources" / "icons"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
SIZE = 256
BLUE = "#0b63b6"  # the primary colour of resources/style/kiosk.qss
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def draw_icon(size: int = SIZE) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = size // 16
    draw.rounded_rectangle((margin, margin, size - margin, size - margin), radius=size // 5, fill=BLUE)
    font = ImageFont.truetype(str(FONT), size * 3 // 10)
    draw.text((size / 2, size / 2), "IKD", font=font, fill="white", anchor="mm")
    return image


def main() -> None:
    ICONS_DIR.mkdir(parents=True, exist_ok=True)
    icon = draw_icon()
    icon.save(ICONS_DIR / "kiosk-ikd.png", optimize=True)
    icon.save(ICONS_DIR / "kiosk-ikd.ico", sizes=ICO_SIZES)
    print(f"{ICONS_DIR / 'kiosk-ikd.png'}\n{ICONS_DIR / 'kiosk-ikd.ico'}")


if __name__ == "__main__":
    main()
