"""Draw the app icons (static/icons/*.png) with a tiny pure-Python PNG writer: no Pillow."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

BACKGROUND = (0x2F, 0x6F, 0x5E)
FOREGROUND = (0xFF, 0xFF, 0xFF)
# A funnel: wide rim, narrowing to a spout (unit square coordinates, y down).
FUNNEL = [(0.2, 0.26), (0.8, 0.26), (0.57, 0.54), (0.57, 0.74), (0.43, 0.82), (0.43, 0.54)]
SAMPLES = 3  # per axis, for anti-aliased edges


def _inside(x: float, y: float, polygon: list[tuple[float, float]]) -> bool:
    inside = False
    j = len(polygon) - 1
    for i, (xi, yi) in enumerate(polygon):
        xj, yj = polygon[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _in_rounded_square(x: float, y: float, radius: float) -> bool:
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def draw(size: int, *, maskable: bool) -> bytes:
    """RGBA pixels of the icon; a maskable icon is full-bleed with the funnel in the safe zone."""
    scale = 0.72 if maskable else 1.0
    shape = [(0.5 + (x - 0.5) * scale, 0.5 + (y - 0.5) * scale) for x, y in FUNNEL]
    rows = bytearray()
    step = 1 / (size * SAMPLES)
    for py in range(size):
        rows.append(0)  # filter type: none
        for px in range(size):
            fg = bg = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (px * SAMPLES + sx + 0.5) * step
                    y = (py * SAMPLES + sy + 0.5) * step
                    if maskable or _in_rounded_square(x, y, 0.22):
                        if _inside(x, y, shape):
                            fg += 1
                        else:
                            bg += 1
            total = SAMPLES * SAMPLES
            covered = fg + bg
            if covered == 0:
                rows += b"\x00\x00\x00\x00"
                continue
            pixel = [
                (f * fg + b * bg) // covered for f, b in zip(FOREGROUND, BACKGROUND, strict=True)
            ]
            rows += bytes([*pixel, 255 * covered // total])
    return bytes(rows)


def png(size: int, pixels: bytes) -> bytes:
    """A minimal RGBA PNG file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels, 9))
        + chunk(b"IEND", b"")
    )


class Command(BaseCommand):
    help = "Draw static/icons/icon-192.png, icon-512.png and icon-maskable-512.png."

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(settings.BASE_DIR) / "static" / "icons"
        folder.mkdir(parents=True, exist_ok=True)
        for name, size, maskable in (
            ("icon-192.png", 192, False),
            ("icon-512.png", 512, False),
            ("icon-maskable-512.png", 512, True),
        ):
            (folder / name).write_bytes(png(size, draw(size, maskable=maskable)))
            self.stdout.write(f"wrote {folder / name}")
