# SPDX-License-Identifier: MIT
"""The Red Cross emblem as vector art: a red Greek cross (five equal squares) on white, inside a
thin red ring, drawn with reportlab paths so it stays sharp at any print size. Qt-free."""

from __future__ import annotations

from reportlab.lib.colors import Color, HexColor, white
from reportlab.pdfgen.canvas import Canvas

RED = HexColor("#DA291C")  # Pantone 485, the red the Movement uses for the emblem


def draw_emblem(
    canvas: Canvas, cx: float, cy: float, size: float, *, ring: bool = True, red: Color = RED
) -> None:
    """Draws the emblem centred on (cx, cy), `size` points across (the ring's diameter)."""
    radius = size / 2
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.setStrokeColor(red)
    canvas.setLineWidth(max(size * 0.04, 0.5))
    if ring:
        canvas.circle(cx, cy, radius - size * 0.02, stroke=1, fill=1)
    # Each arm is as long as it is wide (the 1949 proportions): three units across, one unit thick.
    unit = size * (0.2 if ring else 1 / 3)
    half = unit / 2
    path = canvas.beginPath()
    points = [
        (-half, 3 * half),
        (half, 3 * half),
        (half, half),
        (3 * half, half),
        (3 * half, -half),
        (half, -half),
        (half, -3 * half),
        (-half, -3 * half),
        (-half, -half),
        (-3 * half, -half),
        (-3 * half, half),
        (-half, half),
    ]
    path.moveTo(cx + points[0][0], cy + points[0][1])
    for x, y in points[1:]:
        path.lineTo(cx + x, cy + y)
    path.close()
    canvas.setFillColor(red)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
