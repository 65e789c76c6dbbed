# SPDX-License-Identifier: MIT
"""PDF rendering of certificates, receipts and distribution lists with reportlab.

- Certificates are drawn straight on the canvas from the template's blocks (one page each), so a
  batch of a thousand stays fast; receipts and distribution lists flow through platypus, which
  breaks long tables across pages and repeats the column header.
- Every text is set in the shipped Liberation Serif (embedded as a subset); the canvas starts on
  it too, so no standard-14 font is ever referenced.
- Names never overflow: a text block with `max_width_mm` shrinks its font to fit and, below
  `min_size`, wraps onto a second line; paragraphs shrink until they fit `max_lines`.
- The QR code is the symbol of the signed payload (`codes.py`), drawn as one filled path.

Never touches the database. Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from ..core.i18n import _
from ..core.progress import NullProgress, Progress, check_cancelled
from ..core.vn import date_line, format_date, format_vnd
from ..domain.codes import HEALTH_GROUPS
from .dto import CertificateDTO, DistributionSheetDTO, ReceiptDTO
from .emblem import draw_emblem
from .fonts import BOLD, ITALIC, REGULAR, font_name, register_fonts
from .templates import MM, Block, CertificateTemplate, DocumentTemplate, fill, load_document_template

__all__ = [
    "certificate_values",
    "fit_text",
    "qr_modules",
    "reason_text",
    "render_certificates",
    "render_distribution_list",
    "render_receipt",
]

QrEncoder = Callable[[str], list[list[bool]]]


# ---------------------------------------------------------------- QR


def _reportlab_modules(text: str) -> list[list[bool]]:
    """The module matrix from reportlab's own QR widget (its encoder, not its drawing)."""
    # Imported here: the widget's module costs ~0.3 s at start-up and only this optional encoder uses it.
    from reportlab.graphics.barcode.qr import QrCodeWidget

    widget = QrCodeWidget(text, barLevel="M")
    widget.qr.make()
    return [[bool(cell) for cell in row] for row in widget.qr.modules]


def _segno_modules(text: str) -> list[list[bool]]:
    # boost_error=False keeps level M, as the reportlab widget, so both encoders give the same version.
    return [[bool(cell) for cell in row] for row in segno.make_qr(text, error="m", boost_error=False).matrix]


QR_ENCODERS: dict[str, QrEncoder] = {"reportlab": _reportlab_modules, "segno": _segno_modules}
# segno encodes a certificate's payload in about 7 ms, reportlab's widget encoder in about 18 ms
# (its mask selection is slower pure Python), which made a 1,000-page batch 1.3-2x the raw
# baseline; both give a valid symbol of the same text and version, and the widget stays
# selectable (benchmarks/certificates_batch.py times both).
DEFAULT_QR_ENCODER = "segno"


def qr_modules(text: str, encoder: str = DEFAULT_QR_ENCODER) -> list[list[bool]]:
    """The QR symbol of `text` (level M, smallest version) as rows of dark/light modules."""
    return QR_ENCODERS[encoder](text)


def draw_qr(canvas: Canvas, modules: Sequence[Sequence[bool]], x: float, y: float, size: float) -> None:
    """Draws the symbol with its lower-left corner at (x, y), `size` points square including the
    4-module quiet zone: one filled path of horizontal runs of dark modules.

    The path is written in module units under one transformation matrix, as literal `re`
    operators: a thousand certificates make half a million rectangles, and formatting each through
    reportlab's path object cost more than encoding the symbol."""
    count = len(modules)
    box = size / (count + 8)
    ops: list[str] = []
    for r, row in enumerate(modules):
        c = 0
        n = len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                ops.append(f"{start} {r} {c - start} 1 re")
            else:
                c += 1
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    # Module (column, row) -> page: x to the right, rows downwards from the symbol's top-left corner.
    canvas.transform(box, 0, 0, -box, x + 4 * box, y + size - 4 * box)
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()


# ---------------------------------------------------------------- text helpers


@cache
def _color(value: str) -> Color:
    return HexColor(value)


# User text must never toggle bold or underline: its "*" and "_" travel as private-use stand-ins
# through the template and the markup, and are put back just before drawing.
_STAR, _LOW = "\ue000", "\ue001"


def _safe(value: object) -> str:
    return str(value).replace("*", _STAR).replace("_", _LOW)


def _unsafe(text: str) -> str:
    return text.replace(_STAR, "*").replace(_LOW, "_")


def _strip_markup(text: str) -> str:
    return _unsafe(text.replace("**", ""))


def _wrap(words: Sequence[str], width_of: Callable[[str], float], max_width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and width_of(candidate) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _x_for(align: str, x: float, width: float) -> float:
    if align == "center":
        return x - width / 2
    if align == "right":
        return x - width
    return x


def _draw_line(canvas: Canvas, text: str, font: str, size: float, x: float, y: float, align: str) -> float:
    width = float(stringWidth(text, font, size))
    canvas.setFont(font, size)
    canvas.drawString(_x_for(align, x, width), y, text)
    return width


# A paragraph is a list of words; a word is one or more pieces in different faces with no space
# between them: in "**10 lần**, góp" the word "lần," is a bold "lần" and a regular ",", so the
# comma neither gets a space before it nor starts a line.
_Piece = tuple[str, str]  # (font, text)
_Word = tuple[_Piece, ...]
_Run = tuple[str, str]  # (font, text) drawn by one drawString; may start with a space


def _words(text: str, regular: str, bold: str) -> list[_Word]:
    """The words of `text`; '**' toggles bold, and a face change inside a word keeps it whole."""
    words: list[list[_Piece]] = []
    glued = False  # whether the next piece continues the previous word
    for index, part in enumerate(text.split("**")):
        face = bold if index % 2 else regular
        if not part:
            continue
        tokens = part.split()
        if not tokens:
            glued = False
            continue
        for number, token in enumerate(tokens):
            continues = glued and number == 0 and not part[0].isspace()
            if continues and words:
                words[-1].append((face, token))
            else:
                words.append([(face, token)])
        glued = not part[-1].isspace()
    return [tuple(word) for word in words]


def _word_width(word: _Word, size: float) -> float:
    return sum(float(stringWidth(text, face, size)) for face, text in word)


def _wrap_words(words: Sequence[_Word], size: float, max_width: float, space: float) -> list[list[_Word]]:
    lines: list[list[_Word]] = []
    line: list[_Word] = []
    width = 0.0
    for word in words:
        w = _word_width(word, size)
        if line and width + space + w > max_width:
            lines.append(line)
            line, width = [], 0.0
        width += w + (space if line else 0.0)
        line.append(word)
    if line:
        lines.append(line)
    return lines


def _line_runs(line: Sequence[_Word]) -> list[_Run]:
    """The fewest drawString runs for a line: same-face neighbours are merged, spaces kept."""
    runs: list[list[str]] = []
    for index, word in enumerate(line):
        for number, (face, text) in enumerate(word):
            lead = " " if index and number == 0 else ""
            if runs and runs[-1][0] == face:
                runs[-1][1] += lead + text
            else:
                runs.append([face, lead + text])
    return [(face, text) for face, text in runs]


# ---------------------------------------------------------------- certificates


# How the closing sentence addresses the recipient, by the title on the name line.
_ADDRESSEE = {"Đơn vị": "Quý đơn vị", "": "Quý vị"}


def certificate_values(template: CertificateTemplate, page: CertificateDTO) -> dict[str, str]:
    """Every placeholder a certificate template may use, for one page."""
    values = {key: _safe(value) for key, value in page.branch.values().items()}
    values.update({key: _safe(value) for key, value in page.values.items()})
    name = _safe(page.recipient_name)
    # A preview shows no number or code even if the caller passed some: nothing is issued yet.
    serial, code = ("", "") if page.preview else (page.serial, page.short_code)
    values.update(
        recipient_name=name,
        recipient_name_upper=name.upper(),
        recipient_title=page.recipient_title,
        addressee=_ADDRESSEE.get(page.recipient_title, page.recipient_title),
        recipient_address=_safe(page.recipient_address),
        serial=serial,
        serial_or_blank=serial or _("(cấp số khi in chính thức)"),
        short_code=code,
        short_code_or_blank=code or "—",
        date_line=date_line(page.branch.place_name, page.issued_on),
        issued_on=format_date(page.issued_on),
        title=template.title,
    )
    values["reason"] = fill(template.reason, values, source=template.name)
    return values


def reason_text(template: CertificateTemplate, page: CertificateDTO) -> str:
    """The reason as plain text (no markup), as stored with the certificate."""
    return " ".join(_strip_markup(certificate_values(template, page)["reason"]).split())


def _active(block: Block, flags: Mapping[str, bool], values: Mapping[str, str]) -> bool:
    if not block.when:
        return True
    negate = block.when.startswith("!")
    key = block.when.lstrip("!")
    present = flags[key] if key in flags else bool(values.get(key, "").strip())
    return present != negate


def _draw_border(canvas: Canvas, template: CertificateTemplate) -> None:
    border = template.border
    if border is None:
        return
    width, height = template.page_size
    inset = border.inset_mm * MM
    gap = border.gap_mm * MM
    canvas.saveState()
    canvas.setStrokeColor(_color(border.color))
    canvas.setLineWidth(border.outer_width_pt)
    canvas.rect(inset, inset, width - 2 * inset, height - 2 * inset, stroke=1, fill=0)
    canvas.setLineWidth(border.inner_width_pt)
    inner = inset + gap + border.outer_width_pt / 2
    canvas.rect(inner, inner, width - 2 * inner, height - 2 * inner, stroke=1, fill=0)
    # Corner brackets and a small diamond in each corner: the decoration of a diploma.
    arm = border.corner_mm * MM
    step = gap + border.inner_width_pt
    path = canvas.beginPath()
    diamonds = canvas.beginPath()
    for sx, sy, cx, cy in (
        (1, 1, inner, inner),
        (-1, 1, width - inner, inner),
        (1, -1, inner, height - inner),
        (-1, -1, width - inner, height - inner),
    ):
        ox, oy = cx + sx * step, cy + sy * step
        path.moveTo(ox + sx * arm, oy)
        path.lineTo(ox, oy)
        path.lineTo(ox, oy + sy * arm)
        d = 2.2 * MM
        mx, my = ox + sx * (step + d), oy + sy * (step + d)
        diamonds.moveTo(mx, my + d)
        diamonds.lineTo(mx + d, my)
        diamonds.lineTo(mx, my - d)
        diamonds.lineTo(mx - d, my)
        diamonds.close()
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.setFillColor(_color(border.color))
    canvas.drawPath(diamonds, stroke=0, fill=1)
    canvas.restoreState()


def fit_text(
    text: str, font: str, size: float, max_width: float, min_size: float = 0
) -> tuple[float, list[str]]:
    """(size, lines) so that every line is at most `max_width` wide: the font shrinks to fit down to
    `min_size` (default: no shrinking), below which the text wraps at `min_size` instead."""
    width = float(stringWidth(text, font, size))
    if max_width <= 0 or width <= max_width:
        return size, [text]
    fitted = size * max_width / width * 0.999
    floor = min_size or size
    if fitted >= floor:
        return fitted, [text]
    return floor, _wrap(text.split(), lambda s: float(stringWidth(s, font, floor)), max_width)


def _draw_text_block(canvas: Canvas, block: Block, text: str) -> None:
    font = font_name(block.font)
    x, y = block.x_mm * MM, block.y_mm * MM
    size, lines = fit_text(text, font, block.size, block.max_width_mm * MM, block.min_size)
    canvas.setFillColor(_color(block.color))
    leading = size * 1.2
    # A wrapped block grows downwards from its first line, as a name would on paper.
    for index, line in enumerate(lines):
        baseline = y - index * leading
        width = _draw_line(canvas, line, font, size, x, baseline, block.align)
        if block.underline:
            start = _x_for(block.align, x, width)
            canvas.setStrokeColor(_color(block.color))
            canvas.setLineWidth(0.8)
            canvas.line(start, baseline - size * 0.22, start + width, baseline - size * 0.22)


def _draw_paragraph(canvas: Canvas, block: Block, text: str) -> None:
    regular = font_name(block.font)
    bold = font_name("bolditalic" if "italic" in block.font else "bold")
    words = _words(text, regular, bold)
    if not words:
        return
    width = block.width_mm * MM
    size = block.size
    floor = block.min_size or size
    lines = _wrap_words(words, size, width, float(stringWidth(" ", regular, size)))
    while block.max_lines and len(lines) > block.max_lines and size - 0.5 >= floor:
        size -= 0.5
        lines = _wrap_words(words, size, width, float(stringWidth(" ", regular, size)))
    canvas.setFillColor(_color(block.color))
    x, y = block.x_mm * MM, block.y_mm * MM
    leading = size * block.leading
    for index, line in enumerate(lines):
        runs = _line_runs(line)
        widths = [float(stringWidth(run, face, size)) for face, run in runs]
        # One text object a line: the runs follow each other without gaps, and text extraction
        # does not see a word break where only the face changes ("lần" bold, "," regular).
        line_text = canvas.beginText(_x_for(block.align, x, sum(widths)), y - index * leading)
        for face, run in runs:
            line_text.setFont(face, size)
            line_text.textOut(_unsafe(run))
        canvas.drawText(line_text)


def _draw_qr_block(canvas: Canvas, block: Block, qr_text: str, encoder: str) -> None:
    x, y, size = block.x_mm * MM, block.y_mm * MM, block.size_mm * MM
    if qr_text:
        draw_qr(canvas, qr_modules(qr_text, encoder), x, y, size)
        return
    # A preview has no signature yet: a marked empty square keeps the layout honest.
    canvas.saveState()
    canvas.setStrokeColorRGB(0.6, 0.6, 0.6)
    canvas.setDash(3, 2)
    canvas.rect(x + 3, y + 3, size - 6, size - 6, stroke=1, fill=0)
    canvas.setFillColorRGB(0.5, 0.5, 0.5)
    canvas.setFont(ITALIC, 8)
    canvas.drawCentredString(x + size / 2, y + size / 2 + 1, _("Mã QR"))
    canvas.drawCentredString(x + size / 2, y + size / 2 - 9, _("(khi cấp)"))
    canvas.restoreState()


def _draw_stamp(canvas: Canvas, block: Block, text: str) -> None:
    font = font_name(block.font)
    width = stringWidth(text, font, block.size)
    x, y = block.x_mm * MM, block.y_mm * MM
    pad = block.size * 0.45
    canvas.saveState()
    canvas.setStrokeColor(_color(block.color))
    canvas.setFillColor(_color(block.color))
    canvas.setLineWidth(1.6)
    canvas.rect(x - width / 2 - pad, y - pad, width + 2 * pad, block.size + pad, stroke=1, fill=0)
    canvas.setFont(font, block.size)
    canvas.drawCentredString(x, y, text)
    canvas.restoreState()


def _draw_watermark(canvas: Canvas, block: Block, text: str) -> None:
    canvas.saveState()
    canvas.translate(block.x_mm * MM, block.y_mm * MM)
    canvas.rotate(block.angle)
    canvas.setFillColor(_color(block.color))
    canvas.setFont(font_name(block.font), block.size)
    canvas.drawCentredString(0, -block.size / 3, text)
    canvas.restoreState()


def _draw_certificate(
    canvas: Canvas, template: CertificateTemplate, page: CertificateDTO, encoder: str
) -> None:
    values = certificate_values(template, page)
    flags = {"copy": page.copy, "preview": page.preview}
    drawn_border = False
    for block in template.blocks:
        if not _active(block, flags, values):
            continue
        if block.type != "watermark" and not drawn_border:
            # The watermark lies under everything, the border under the text.
            _draw_border(canvas, template)
            drawn_border = True
        if block.type == "emblem":
            draw_emblem(canvas, block.x_mm * MM, block.y_mm * MM, block.size_mm * MM)
        elif block.type == "qr":
            _draw_qr_block(canvas, block, "" if page.preview else page.qr_text, encoder)
        else:
            text = fill(block.text, values, source=template.name)
            if not text.strip():
                continue
            if block.type != "paragraph":  # a paragraph puts user text back after reading its markup
                text = _unsafe(text)
            if block.type == "text":
                _draw_text_block(canvas, block, text)
            elif block.type == "paragraph":
                _draw_paragraph(canvas, block, text)
            elif block.type == "stamp":
                _draw_stamp(canvas, block, text)
            else:
                _draw_watermark(canvas, block, text)
    if not drawn_border:
        _draw_border(canvas, template)


def new_canvas(path: Path | str, page_size: tuple[float, float], title: str, author: str) -> Canvas:
    """A canvas that starts on the embedded serif font (no Helvetica in any page's resources)."""
    register_fonts()
    canvas = Canvas(str(path), pagesize=page_size, initialFontName=REGULAR, initialFontSize=12)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("redcross-desktop")
    return canvas


def render_certificates(
    path: Path,
    pages: Sequence[CertificateDTO],
    template: CertificateTemplate,
    progress: Progress | None = None,
    *,
    qr_encoder: str = DEFAULT_QR_ENCODER,
) -> None:
    """Writes one certificate a page to `path`. Reports progress per page and stops (raising
    OperationCancelled, leaving a partial file for the caller to delete) when cancelled."""
    progress = progress or NullProgress()
    if not pages:
        raise ValueError("no certificate to render")
    first = pages[0]
    canvas = new_canvas(path, template.page_size, template.title, first.branch.name)
    total = len(pages)
    message = _("Đang in {title}").format(title=template.title.lower())
    for done, page in enumerate(pages):
        check_cancelled(progress)
        _draw_certificate(canvas, template, page, qr_encoder)
        canvas.showPage()
        progress.report(done + 1, total, message)
    canvas.save()


# ---------------------------------------------------------------- receipts and lists (platypus)


def _toggle(text: str, marker: str, tag: str) -> str:
    parts = text.split(marker)
    return "".join(f"<{tag}>{part}</{tag}>" if index % 2 else part for index, part in enumerate(parts))


def _markup(text: str) -> str:
    """Escaped text for a platypus Paragraph: '**' toggles bold, '__' underline (the Tiêu ngữ)."""
    return _unsafe(_toggle(_toggle(escape(text), "**", "b"), "__", "u"))


def _style(
    size: float, *, align: int = TA_LEFT, font: str = REGULAR, leading: float = 1.25
) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}{align}{font}", fontName=font, fontSize=size, leading=size * leading, alignment=align
    )


_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


def _para(text: str, size: float, **style: Any) -> Paragraph:
    return Paragraph(_markup(text), _style(size, **style))


def _fill_doc(template: DocumentTemplate, text: str, values: Mapping[str, str]) -> str:
    return fill(text, values, source=template.name)


def _header_table(template: DocumentTemplate, values: Mapping[str, str], width: float) -> Table:
    header = template.header
    left: list[Flowable] = [
        _para(_fill_doc(template, line, values), header.left_size, align=TA_CENTER) for line in header.left
    ]
    right: list[Flowable] = [
        _para(_fill_doc(template, line, values), header.right_size, align=TA_CENTER) for line in header.right
    ]
    if header.number:
        left.append(_para(_fill_doc(template, header.number, values), header.left_size, align=TA_CENTER))
    table = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _signature_table(template: DocumentTemplate, values: Mapping[str, str], width: float) -> Table:
    size = template.font_size
    cells = []
    for signature in template.signatures:
        name = _fill_doc(template, signature.name, values)
        cells.append(
            [
                _para(f"**{_fill_doc(template, signature.title, values)}**", size, align=TA_CENTER),
                _para(signature.hint, size - 1.5, align=TA_CENTER, font=ITALIC),
                Spacer(1, template.signature_space_mm * MM),
                _para(f"**{name}**" if name else "", size, align=TA_CENTER),
            ]
        )
    columns = max(len(cells), 1)
    table = Table([cells], colWidths=[width / columns] * columns)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), REGULAR)]))
    return table


def _marker(text: str, size: float) -> Table:
    """A red boxed word ("BẢN SAO", "ĐÃ HỦY") at the right, between the header and the title."""
    red = _color("#B3121B")
    style = ParagraphStyle(
        "marker", fontName=BOLD, fontSize=size, leading=size * 1.2, alignment=TA_CENTER, textColor=red
    )
    table = Table(
        [[Paragraph(escape(text), style)]], hAlign="RIGHT", colWidths=[stringWidth(text, BOLD, size) + 12]
    )
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.4, red),
                ("TEXTCOLOR", (0, 0), (-1, -1), red),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _document(path: Path, template: DocumentTemplate, title: str, author: str) -> SimpleDocTemplate:
    register_fonts()
    left, right, top, bottom = (m * MM for m in template.margins_mm)
    return SimpleDocTemplate(
        str(path),
        pagesize=template.page_size,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=author,
        creator="redcross-desktop",
        initialFontName=REGULAR,
        initialFontSize=template.font_size,
    )


def _frame_width(doc: SimpleDocTemplate) -> float:
    """The usable width: SimpleDocTemplate's frame keeps 6 pt of padding on each side."""
    return float(doc.width) - 12


def _cell_table(
    rows: list[list[Any]], widths: list[float], header_rows: int, aligns: Sequence[str], **extra: Any
) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows, **extra)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("GRID", (0, 0), (-1, -1), 0.5, _color("#000000")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), _color("#EFEFEF")))
    table.setStyle(TableStyle(style))
    return table


def _scaled(widths_mm: Sequence[float], available: float) -> list[float]:
    total = sum(widths_mm)
    return [w / total * available for w in widths_mm]


def receipt_values(receipt: ReceiptDTO) -> dict[str, str]:
    values = {key: _safe(value) for key, value in receipt.branch.values().items()}
    values.update(
        receipt_code=receipt.receipt_code,
        date_line=date_line(receipt.branch.place_name, receipt.received_on),
        received_on=format_date(receipt.received_on),
        donor_title=receipt.donor_title,
        donor_name=_safe(receipt.donor_name),
        donor_address=_safe(receipt.donor_address),
        donor_signature_name="" if receipt.anonymous else _safe(receipt.donor_name),
        campaign_name=_safe(receipt.campaign_name),
        channel_label=receipt.channel_label,
        cash=format_vnd(receipt.cash_vnd) if receipt.cash_vnd else "",
        cash_words=receipt.cash_words if receipt.cash_vnd else "",
        in_kind=format_vnd(receipt.in_kind_vnd) if receipt.lines else "",
        in_kind_words=receipt.in_kind_words if receipt.lines else "",
        total=format_vnd(receipt.cash_vnd + receipt.in_kind_vnd),
        designation=_safe(receipt.designation),
        collector=_safe(receipt.collector),
    )
    return values


def render_receipt(path: Path, receipt: ReceiptDTO, template: DocumentTemplate | None = None) -> None:
    """A donation receipt (biên nhận), A5 by default; "BẢN SAO" on reprints."""
    template = template or load_document_template("receipt")
    values = receipt_values(receipt)
    doc = _document(path, template, f"{template.title} {receipt.receipt_code}", receipt.branch.name)
    width = _frame_width(doc)
    size = template.font_size
    marker = template.text("void_marker") if receipt.void else ""
    marker = marker or (template.text("copy_marker") if receipt.copy else "")
    story: list[Flowable] = [_header_table(template, values, width)]
    story += [Spacer(1, 1 * MM), _marker(marker, size + 1)] if marker else [Spacer(1, 4 * MM)]
    story.append(_para(f"**{template.title_text}**", template.title_size, align=TA_CENTER))
    if template.subtitle:
        story.append(
            _para(_fill_doc(template, template.subtitle, values), size, align=TA_CENTER, font=ITALIC)
        )
    story.append(Spacer(1, 3 * MM))
    rows = []
    for row in template.rows:
        if row.when and not values.get(row.when, "").strip():
            continue
        rows.append([_para(f"{row.label}:", size), _para(_fill_doc(template, row.text, values), size)])
    if rows:
        table = Table(rows, colWidths=[width * 0.27, width * 0.73])
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ]
            )
        )
        story.append(table)
    if receipt.lines:
        story += [Spacer(1, 2 * MM), _para(template.text("goods_title"), size)]
        columns = template.columns
        small = size - 1.5
        body: list[list[Any]] = [[_para(f"**{c.title}**", small, align=TA_CENTER) for c in columns]]
        for number, line in enumerate(receipt.lines, start=1):
            cells = {
                "no": str(number),
                "item": _safe(line.item),
                "unit": _safe(line.unit),
                "quantity": f"{line.quantity:,}".replace(",", "."),
                "unit_value": format_vnd(line.unit_value_vnd, suffix=False),
                "value": format_vnd(line.value_vnd, suffix=False),
            }
            body.append([_para(cells.get(c.key, ""), small, align=_ALIGN[c.align]) for c in columns])
        story.append(
            _cell_table(body, _scaled([c.width_mm for c in columns], width), 1, [c.align for c in columns])
        )
        if template.text("goods_total"):
            story += [
                Spacer(1, 1.5 * MM),
                _para(_fill_doc(template, template.text("goods_total"), values), size),
            ]
        if receipt.cash_vnd and template.text("total_line"):
            story.append(_para(_fill_doc(template, template.text("total_line"), values), size))
    if template.text("thanks"):
        story += [Spacer(1, 2 * MM), _para(template.text("thanks"), size, align=TA_CENTER, font=ITALIC)]
    story += [Spacer(1, 3 * MM), KeepTogether([_signature_table(template, values, width)])]
    doc.build(story)


def sheet_values(sheet: DistributionSheetDTO) -> dict[str, str]:
    values = {key: _safe(value) for key, value in sheet.branch.values().items()}
    goods = "; ".join(
        f"{_safe(item)}: {quantity:,} {_safe(unit)}".replace(",", ".")
        for item, unit, quantity in sheet.goods_totals
    )
    values.update(
        list_title=_safe(sheet.title),
        programme=_safe(sheet.programme) or "—",
        planned_on=format_date(sheet.planned_on),
        date_line=date_line(sheet.branch.place_name, sheet.planned_on),
        people=str(len(sheet.lines)),
        cash=format_vnd(sheet.total_cash_vnd),
        goods=f"; {goods}" if goods else "",
    )
    return values


_ROWS_WITH_SIGNATURES = 2


def _all_rows(pad: float) -> TableStyle:
    """The body padding for a table without a header row."""
    return TableStyle([("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad)])


class _HeaderAtTop(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A table header drawn only at the top of a frame: where the kept-together tail of a list
    starts a new page it needs the column titles, where it follows the rest of the list it does not."""

    def __init__(self, table: Table) -> None:
        super().__init__()
        self._table = table
        self._show = True

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        frame = getattr(self, "_frame", None)
        self._show = frame is None or bool(getattr(frame, "_atTop", True))
        if not self._show:
            return 0.0, 0.0
        width, height = self._table.wrap(available_width, available_height)
        return float(width), float(height)

    def draw(self) -> None:
        if self._show:
            self._table.drawOn(self.canv, 0, 0)


class _PageNumbers:
    """Writes "Trang n" at the bottom right of every page."""

    def __init__(self, template: DocumentTemplate, footer: str) -> None:
        self._template = template
        self._footer = footer

    def __call__(self, canvas: Canvas, doc: Any) -> None:
        text = fill(
            self._template.text("page_number") or "{page}", {"page": doc.page}, source=self._template.name
        )
        width, _height = self._template.page_size
        right = self._template.margins_mm[1] * MM
        y = self._template.margins_mm[3] * MM / 2
        canvas.saveState()
        canvas.setFont(ITALIC, 9)
        canvas.drawRightString(width - right, y, text)
        canvas.drawString(self._template.margins_mm[0] * MM, y, self._footer)
        canvas.restoreState()


def render_distribution_list(
    path: Path, sheet: DistributionSheetDTO, template: DocumentTemplate | None = None
) -> None:
    """The distribution list for signatures (danh sách cấp phát có ký nhận): A4 landscape, the column
    header on every page, a signature cell per row, the three signatures at the end."""
    template = template or load_document_template("distribution")
    values = sheet_values(sheet)
    doc = _document(path, template, f"{template.title} {sheet.title}", sheet.branch.name)
    width = _frame_width(doc)
    size = template.font_size
    show_id = bool(template.options.get("show_id"))
    hide_health = bool(template.options.get("hide_health_groups", True))
    columns = [c for c in template.columns if show_id or c.key != "id"]
    story: list[Flowable] = [_header_table(template, values, width), Spacer(1, 4 * MM)]
    story.append(_para(f"**{template.title_text}**", template.title_size, align=TA_CENTER))
    if template.subtitle:
        story.append(_para(_fill_doc(template, template.subtitle, values), size + 1, align=TA_CENTER))
    for line in template.options.get("lines", []):
        story.append(_para(_fill_doc(template, str(line), values), size, align=TA_CENTER, font=ITALIC))
    story.append(Spacer(1, 3 * MM))
    header = [_para(f"**{c.title}**", size, align=TA_CENTER) for c in columns]
    body: list[list[Any]] = [header]
    hidden = template.text("hidden_group") or "—"
    for line in sheet.lines:
        group = hidden if hide_health and line.group_code in HEALTH_GROUPS else line.group_label
        cells = {
            "no": str(line.no),
            "name": f"**{_safe(line.name)}**",
            "id": _safe(line.id_masked),
            "thon": _safe(line.thon),
            "group": _safe(group),
            "support": _safe(line.support),
            "signature": "",
            "note": _safe(line.note),
        }
        body.append([_para(cells.get(c.key, ""), size, align=_ALIGN[c.align]) for c in columns])
    row_height = float(template.options.get("row_height_mm", 10)) * MM
    widths = _scaled([c.width_mm for c in columns], width)
    # Room to sign: a one-line row is `row_height` tall; a name that wraps makes its row grow.
    pad = max((row_height - size * 1.25) / 2, 3.0)
    padding = TableStyle([("TOPPADDING", (0, 1), (-1, -1), pad), ("BOTTOMPADDING", (0, 1), (-1, -1), pad)])

    def rows_table(rows: list[list[Any]], header_rows: int) -> Table:
        table = _cell_table(rows, widths, header_rows, [c.align for c in columns])
        table.setStyle(padding if header_rows else _all_rows(pad))
        return table

    # The last rows travel with the totals and the signatures, so the signatures never stand alone
    # on a page; if they move to a new page, the column header comes with them.
    tail = min(_ROWS_WITH_SIGNATURES, len(sheet.lines))
    if len(body) - 1 > tail:
        story.append(rows_table(body[:-tail], 1))
        closing: list[Flowable] = [_HeaderAtTop(_cell_table([header], widths, 1, [c.align for c in columns]))]
        closing.append(rows_table(body[-tail:], 0))
    else:
        closing = [rows_table(body, 1)]
    if template.text("total"):
        closing += [Spacer(1, 2 * MM), _para(_fill_doc(template, template.text("total"), values), size)]
    closing.append(Spacer(1, 4 * MM))
    if template.text("date_line"):
        date_line_para = _para(
            _fill_doc(template, template.text("date_line"), values), size, align=TA_CENTER, font=ITALIC
        )
        date_table = Table([["", date_line_para]], colWidths=[width * 2 / 3, width / 3])
        date_table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR)]))
        closing.append(date_table)
    closing.append(_signature_table(template, values, width))
    story.append(KeepTogether(closing))
    footer = f"{sheet.title} — {format_date(sheet.planned_on)}"
    numbers = _PageNumbers(template, footer)
    doc.build(story, onFirstPage=numbers, onLaterPages=numbers)
