# SPDX-License-Identifier: MIT
"""Tổng quan: who this branch is, and the figures that exist so far. Qt is imported here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...core.i18n import _
from ...core.vn import format_vnd
from ...services.container import Services
from ..style import muted_label, title_label
from ..tasks import Op, Runner

EMPTY = "—"


def _card() -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(18, 14, 18, 16)
    layout.setSpacing(8)
    return card, layout


def _value(text: str | None) -> QLabel:
    label = QLabel(text or EMPTY)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class OverviewSection(QWidget):
    def __init__(self, services: Services, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        branch = services.branch
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        layout.addWidget(title_label(_("Tổng quan")))

        row = QHBoxLayout()
        row.setSpacing(14)
        identity, identity_layout = _card()
        name = QLabel(branch.name)
        name.setObjectName("subTitle")
        name.setWordWrap(True)
        identity_layout.addWidget(name)
        if branch.parent_line:
            identity_layout.addWidget(muted_label(branch.parent_line))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setHorizontalSpacing(18)
        form.addRow(_("Mã chi hội:"), _value(branch.branch_code))
        form.addRow(_("Tỉnh/thành phố:"), _value(f"{branch.province_name} ({branch.province_code})"))
        if branch.commune_name:
            form.addRow(_("Xã/phường:"), _value(f"{branch.commune_name} ({branch.commune_code})"))
        form.addRow(_("Địa chỉ:"), _value(branch.address))
        form.addRow(_("Điện thoại:"), _value(branch.phone))
        form.addRow(_("Thư điện tử:"), _value(branch.email))
        form.addRow(_("Chủ tịch:"), _value(branch.chair_name))
        form.addRow(_("Cán bộ phụ trách:"), _value(branch.officer_name))
        identity_layout.addLayout(form)
        row.addWidget(identity, 3)

        figures, figures_layout = _card()
        heading = QLabel(_("Số liệu"))
        heading.setObjectName("subTitle")
        figures_layout.addWidget(heading)
        self.people_count = QLabel(EMPTY)
        self.people_count.setObjectName("figure")
        figures_layout.addWidget(self.people_count)
        figures_layout.addWidget(muted_label(_("người trong danh sách")))
        figures_layout.addStretch(1)
        row.addWidget(figures, 2)
        layout.addLayout(row)

        layout.addWidget(
            muted_label(
                _(
                    "Biểu đồ, số liệu quyên góp, cứu trợ, hiến máu và lời nhắc việc trong tháng sẽ có ở "
                    "phiên bản sau của phần mềm."
                )
            )
        )
        layout.addStretch(1)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        people = self._services.people
        Op(self, lambda _progress: people.count(), writes=False).success(self._on_count_loaded).run(
            self._runner
        )

    def _on_count_loaded(self, count: int) -> None:
        self.people_count.setText(format_vnd(count, suffix=False))
