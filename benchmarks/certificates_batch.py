# SPDX-License-Identifier: MIT
"""A 1,000-certificate batch: the app's renderer against raw reportlab drawing the same pages.

    uv run python benchmarks/certificates_batch.py [--pages 1000] [--repeat 1] [--keep DIR]

Both sides draw, on every page, the same texts in the same embedded Liberation Serif faces, the same
double border, the emblem and the same signed QR payload. The baseline gets its strings ready-made
(no template, no placeholder filling, no fitting or wrapping) and draws its QR as one path from
segno's matrix with reportlab's path object. Printed: wall time of each run, our time over the
baseline (target ≤ 1.5), and our time over the baseline without QR codes. The renderer is also
timed with reportlab's own QR widget as the encoder, to show what that choice costs.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import segno  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from reportlab.lib.colors import HexColor  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from _common import timed  # noqa: E402
from redcross_desktop.certificates import codes  # noqa: E402
from redcross_desktop.certificates.dto import BranchHeader, CertificateDTO  # noqa: E402
from redcross_desktop.certificates.emblem import draw_emblem  # noqa: E402
from redcross_desktop.certificates.fonts import BOLD, ITALIC, REGULAR, register_fonts  # noqa: E402
from redcross_desktop.certificates.render import certificate_values, render_certificates  # noqa: E402
from redcross_desktop.certificates.templates import MM, CertificateTemplate, load_certificate_template  # noqa: E402
from redcross_desktop.core.vn import amount_in_words, format_vnd  # noqa: E402
from redcross_desktop.sync import keys as sync_keys  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang", "Thu", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hằng", "Hiếu", "Hoa", "Hùng"]
BRANCH = BranchHeader(
    "01-00070", "Hội Chữ thập đỏ phường Hoàn Kiếm", "HỘI CTĐ THÀNH PHỐ HÀ NỘI", "Hoàn Kiếm", "Nguyễn Thị Hoa"
)


def make_pages(count: int) -> list[CertificateDTO]:
    key = Ed25519PrivateKey.generate()
    key_id = sync_keys.key_id(sync_keys.public_raw(key))
    pages = []
    for n in range(1, count + 1):
        name = f"{FAMILY[n % len(FAMILY)]} {MIDDLE[n % len(MIDDLE)]} {GIVEN[n % len(GIVEN)]}"
        amount = 100_000 * (n % 50 + 1)
        fields = codes.CodeFields(
            f"CN-2026-{n:06d}", BRANCH.branch_code, key_id, date(2026, 3, 20), name, amount
        )
        signature = sync_keys.sign(key, sync_keys.CERTIFICATE_DOMAIN, fields.message())
        values = {
            "campaign_phrase": "chương trình Tết Nhân ái 2026 ",
            "gift_phrase": "số tiền",
            "amount": format_vnd(amount, suffix=False),
            "amount_words": amount_in_words(amount),
        }
        pages.append(
            CertificateDTO(
                BRANCH,
                name,
                "Ông/Bà",
                date(2026, 3, 20),
                values,
                "Thôn Đông",
                fields.serial,
                codes.short_code(signature),
                codes.encode(fields, signature),
            )
        )
    return pages


# What the baseline draws: (font, size, x, y, text, centred) per line, prepared before timing.
Line = tuple[str, float, float, float, str, bool]
FACES = {"regular": REGULAR, "bold": BOLD, "italic": ITALIC, "bolditalic": "LiberationSerif-BoldItalic"}


def baseline_lines(template: CertificateTemplate, page: CertificateDTO) -> list[Line]:
    values = certificate_values(template, page)
    lines: list[Line] = []
    for block in template.blocks:
        if block.type not in ("text", "paragraph") or block.when == "preview" or block.when == "copy":
            continue
        text = block.text.format_map(values).replace("**", "")
        if not text.strip():
            continue
        font = FACES[block.font]
        if block.type == "paragraph":  # two ready-made lines, as the renderer wraps it
            words = text.split()
            half = len(words) * 2 // 3
            lines.append((font, block.size, block.x_mm * MM, block.y_mm * MM, " ".join(words[:half]), True))
            lines.append(
                (font, block.size, block.x_mm * MM, (block.y_mm - 7) * MM, " ".join(words[half:]), True)
            )
        else:
            centred = block.align == "center"
            lines.append((font, block.size, block.x_mm * MM, block.y_mm * MM, text, centred))
    return lines


def render_baseline(
    path: Path, template: CertificateTemplate, prepared: list[tuple[list[Line], str]], qr: bool
) -> None:
    width, height = template.page_size
    red = HexColor("#B3121B")
    canvas = Canvas(str(path), pagesize=template.page_size, initialFontName=REGULAR)
    for lines, qr_text in prepared:
        canvas.setStrokeColor(red)
        canvas.setLineWidth(3.2)
        canvas.rect(7 * MM, 7 * MM, width - 14 * MM, height - 14 * MM)
        canvas.setLineWidth(0.9)
        canvas.rect(10 * MM, 10 * MM, width - 20 * MM, height - 20 * MM)
        draw_emblem(canvas, 148.5 * MM, 165.5 * MM, 14 * MM)
        for font, size, x, y, text, centred in lines:
            canvas.setFont(font, size)
            if centred:
                canvas.drawCentredString(x, y, text)
            else:
                canvas.drawString(x, y, text)
        if qr:
            # As a reportlab user would: one path, a rectangle per run of dark modules.
            matrix = segno.make_qr(qr_text, error="m", boost_error=False).matrix
            box = 27 * MM / (len(matrix) + 8)
            left, top = 20 * MM + 4 * box, 15 * MM + 27 * MM - 4 * box
            path = canvas.beginPath()
            for r, row in enumerate(matrix):
                c = 0
                for dark, run in itertools.groupby(row):
                    length = len(list(run))
                    if dark:
                        path.rect(left + c * box, top - (r + 1) * box, length * box, box)
                    c += length
            canvas.setFillColorRGB(0, 0, 0)
            canvas.drawPath(path, stroke=0, fill=1)
        canvas.showPage()
    canvas.save()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the PDFs in this folder")
    args = parser.parse_args()
    register_fonts()
    template = load_certificate_template("donor")
    pages = make_pages(args.pages)
    prepared = [(baseline_lines(template, page), page.qr_text) for page in pages]
    no_qr = [replace(page, qr_text="") for page in pages]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="cert-bench-"))
    folder.mkdir(parents=True, exist_ok=True)

    runs = {
        "ours (segno encoder)": lambda: render_certificates(folder / "ours.pdf", pages, template),
        "ours (reportlab QR widget encoder)": lambda: render_certificates(
            folder / "ours_widget.pdf", pages, template, qr_encoder="reportlab"
        ),
        "ours without QR": lambda: render_certificates(folder / "ours_noqr.pdf", no_qr, template),
        "baseline (raw reportlab + segno path)": lambda: render_baseline(
            folder / "base.pdf", template, prepared, True
        ),
        "baseline without QR": lambda: render_baseline(folder / "base_noqr.pdf", template, prepared, False),
    }
    # A short warm-up: the first pages pay for loading the fonts' tables and priming caches.
    render_certificates(folder / "warm.pdf", pages[:20], template)
    render_baseline(folder / "warm.pdf", template, prepared[:20], True)
    times = {name: timed(run, args.repeat) for name, run in runs.items()}
    print(f"{args.pages} certificates, best of {args.repeat}:")
    for name, seconds in times.items():
        print(f"  {name:<40} {seconds:7.2f} s  {seconds / args.pages * 1000:6.2f} ms/page")
    ours, widget = times["ours (segno encoder)"], times["ours (reportlab QR widget encoder)"]
    base, base_noqr = times["baseline (raw reportlab + segno path)"], times["baseline without QR"]
    print(f"ratio ours / baseline:                  {ours / base:5.2f}  (target <= 1.5)")
    print(f"ratio ours / baseline without QR:       {ours / base_noqr:5.2f}")
    print(f"ratio ours without QR / baseline w/o QR: {times['ours without QR'] / base_noqr:5.2f}")
    print(f"ratio ours with the widget / baseline:  {widget / base:5.2f}")
    if not args.keep:
        for pdf in folder.glob("*.pdf"):
            pdf.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
