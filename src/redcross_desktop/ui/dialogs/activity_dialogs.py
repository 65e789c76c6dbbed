# SPDX-License-Identifier: MIT
"""An activity whose count fields are named by its type (a first-aid course counts classes,
trainees and real cases; a talk counts sessions, people reached and news items), and the family
tracing cases. Qt is imported here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from ...core.errors import RedCrossError
from ...core.i18n import N_, _
from ...core.vn import format_date, normalize_text
from ...domain.codes import ACTIVITY_TYPES, TRACING_STATUSES
from ...services.activities import CLOSING_STATUSES, ActivityInput, ActivityRow, TracingInput, TracingRow
from ...services.container import Services
from ..tasks import Op, Runner
from ..widgets.amount_edit import AmountEdit
from ..widgets.date_edit import DateEdit
from .form_dialog import FormDialog

COUNT_FIELDS = ("sessions", "participants", "cases", "people_served", "value_vnd")

# What each count means for each type (the report's indicators read them the same way). A field
# missing from a type's map is hidden for that type.
COUNT_LABELS: Mapping[str, Mapping[str, str]] = {
    "first_aid": {
        "sessions": N_("Số lớp"),
        "participants": N_("Số học viên"),
        "cases": N_("Số ca sơ cấp cứu thực tế"),
    },
    "disaster": {
        "sessions": N_("Số buổi tập huấn, diễn tập"),
        "participants": N_("Số người tham gia"),
    },
    "tracing": {
        "sessions": N_("Số buổi"),
        "participants": N_("Số người tham gia"),
    },
    "communication": {
        "sessions": N_("Số buổi"),
        "participants": N_("Số người được truyền thông"),
        "cases": N_("Số tin bài"),
    },
    "health": {
        "sessions": N_("Số đợt"),
        "people_served": N_("Số người được khám, tặng quà"),
        "value_vnd": N_("Trị giá"),
    },
    "youth": {
        "sessions": N_("Số buổi sinh hoạt"),
        "participants": N_("Số người tham gia"),
    },
    "movement": {
        "sessions": N_("Số sự kiện"),
        "participants": N_("Số người tham gia"),
        "value_vnd": N_("Trị giá"),
    },
    "commendation": {
        "cases": N_("Số tập thể, cá nhân được khen thưởng"),
    },
}

ACTIVITY_FIELDS = {
    "type": "type",
    "title": "title",
    "start_date": "start_date",
    "end_date": "end_date",
    "campaign_id": "campaign",
    "sessions": "sessions",
    "participants": "participants",
    "cases": "cases",
    "people_served": "people_served",
    "value_vnd": "value_vnd",
    "cost_vnd": "cost_vnd",
}


def _count_box() -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, 10_000_000)
    box.setMaximumWidth(160)
    return box


class ActivityDialog(FormDialog):
    """Records an activity, or corrects one."""

    saved = Signal(object)  # ActivityRow

    def __init__(
        self,
        services: Services,
        runner: Runner,
        activity: ActivityRow | None = None,
        parent: QWidget | None = None,
        *,
        kind: str | None = None,
    ) -> None:
        super().__init__(_("Sửa hoạt động") if activity else _("Ghi hoạt động"), parent, width=900)
        self._services = services
        self._runner = runner
        self._activity = activity
        self.type = QComboBox()
        for code, label in ACTIVITY_TYPES.items():
            self.type.addItem(_(label), code)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("Ví dụ: Tập huấn sơ cấp cứu cho học sinh THCS"))
        self.start_date = DateEdit(date.today())
        self.end_date = DateEdit(required=False)
        self.place = QLineEdit()
        self.partners = QLineEdit()
        self.partners.setPlaceholderText(_("Ví dụ: Trường THCS, Đoàn Thanh niên phường"))
        self.campaign = QComboBox()
        self.campaign.addItem(_("— Không gắn đợt vận động —"), None)
        for campaign in services.campaigns.list():
            self.campaign.addItem(campaign.name, campaign.id)
        self.note_edit = QLineEdit()
        self.counts: dict[str, QWidget] = {
            "sessions": _count_box(),
            "participants": _count_box(),
            "cases": _count_box(),
            "people_served": _count_box(),
            "value_vnd": AmountEdit(),
        }
        self.cost = AmountEdit()

        self.add_field("type", _("Loại hoạt động (*)"), self.type)
        self.add_field("title", _("Tên hoạt động (*)"), self.title_edit)
        self.add_field("start_date", _("Ngày bắt đầu (*)"), self.start_date)
        self.add_field("end_date", _("Ngày kết thúc"), self.end_date)
        self.add_field("place", _("Địa điểm"), self.place)
        self.add_field("partners", _("Đơn vị phối hợp"), self.partners)
        right = self.add_column()
        self.count_labels: dict[str, QLabel] = {
            key: self.add_field(key, "", widget, form=right) for key, widget in self.counts.items()
        }
        self.add_field("cost_vnd", _("Kinh phí (đồng)"), self.cost, form=right)
        self.add_field("campaign", _("Đợt vận động"), self.campaign, form=right)
        self.add_field("note", _("Ghi chú"), self.note_edit, form=right)
        self._right = right

        self.type.currentIndexChanged.connect(self._on_type_current_index_changed)
        self.title_edit.textChanged.connect(self._on_title_text_changed)
        self.end_date.changed.connect(self._check_dates)
        self.start_date.changed.connect(self._check_dates)
        if activity is not None:
            self._fill(activity)
        elif kind is not None:
            self.type.setCurrentIndex(max(0, self.type.findData(kind)))
        self._on_type_current_index_changed()
        self.type.setFocus()

    def _fill(self, a: ActivityRow) -> None:
        self.type.setCurrentIndex(max(0, self.type.findData(a.type)))
        self.title_edit.setText(a.title)
        self.start_date.set_value(a.start_date)
        self.end_date.set_value(a.end_date)
        self.place.setText(a.place)
        self.partners.setText(a.partners)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(a.campaign_id)))
        self.note_edit.setText(a.note)
        for key in ("sessions", "participants", "cases", "people_served"):
            box = self.counts[key]
            assert isinstance(box, QSpinBox)
            box.setValue(getattr(a, key))
        value = self.counts["value_vnd"]
        assert isinstance(value, AmountEdit)
        if a.value_vnd:
            value.set_value(a.value_vnd)
        if a.cost_vnd:
            self.cost.set_value(a.cost_vnd)

    # ---- the type decides the counts ---------------------------------------------------------

    def current_labels(self) -> Mapping[str, str]:
        return COUNT_LABELS.get(str(self.type.currentData()), {})

    def _on_type_current_index_changed(self, *_args: object) -> None:
        labels = self.current_labels()
        for key in self.counts:
            label = labels.get(key)
            self._right.setRowVisible(self.count_labels[key], label is not None)
            hint = self.hints[key]
            if not hint.text():
                hint.hide()  # showing a row shows every widget in it, the empty hint line too
            if label is not None:
                self.count_labels[key].setText(_(label))
        self.grow_to_fit()

    def _on_title_text_changed(self, text: str) -> None:
        if text.strip():
            self.mark("title", "")

    def _check_dates(self) -> bool:
        start, end = self.start_date.value(), self.end_date.value()
        if start is not None and end is not None and end < start:
            self.end_date.show_error(
                _("Ngày kết thúc phải từ ngày bắt đầu ({day}) trở đi.").format(day=format_date(start))
            )
            return False
        return not self.end_date.error()

    # ---- saving -----------------------------------------------------------------------------

    def _count(self, key: str) -> int:
        if key not in self.current_labels():
            return 0  # a hidden field does not count, even if typed before the type changed
        widget = self.counts[key]
        if isinstance(widget, AmountEdit):
            return widget.value() or 0
        assert isinstance(widget, QSpinBox)
        return widget.value()

    def _on_save(self) -> None:
        checks = [("start_date", self.start_date.check()), ("end_date", self._check_dates())]
        if not normalize_text(self.title_edit.text()):
            self.mark("title", _("Hãy nhập tên hoạt động."))
            checks.insert(0, ("title", False))
        value = self.counts["value_vnd"]
        assert isinstance(value, AmountEdit)
        checks.append(("value_vnd", "value_vnd" not in self.current_labels() or value.check()))
        checks.append(("cost_vnd", self.cost.check()))
        bad = next((key for key, ok in checks if not ok), None)
        if bad is not None:
            self.fields[bad].setFocus()
            return
        start = self.start_date.value()
        assert start is not None
        data = ActivityInput(
            type=str(self.type.currentData()),
            title=self.title_edit.text(),
            start_date=start,
            end_date=self.end_date.value(),
            place=self.place.text(),
            partners=self.partners.text(),
            campaign_id=self.campaign.currentData(),
            sessions=self._count("sessions"),
            participants=self._count("participants"),
            cases=self._count("cases"),
            people_served=self._count("people_served"),
            value_vnd=self._count("value_vnd"),
            cost_vnd=self.cost.value() or 0,
            note=self.note_edit.text(),
        )
        activities, activity_id = self._services.activities, self._activity.id if self._activity else None
        self.saving(True)
        Op(
            self,
            lambda _p: (
                activities.record(data) if activity_id is None else activities.update(activity_id, data)
            ),
            writes=True,
        ).success(self._on_saved).failure(self._on_failed).run(self._runner)

    def _on_failed(self, error: RedCrossError) -> None:
        self.show_failure(error, ACTIVITY_FIELDS)

    def _on_saved(self, row: ActivityRow) -> None:
        self.saved.emit(row)
        self.accept()


class TracingDialog(FormDialog):
    """ "Tiếp nhận hồ sơ" / "Sửa hồ sơ" of the family tracing register."""

    saved = Signal(object)  # TracingRow

    def __init__(
        self,
        services: Services,
        runner: Runner,
        case: TracingRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            _("Sửa hồ sơ tìm kiếm thân nhân") if case else _("Tiếp nhận hồ sơ tìm kiếm thân nhân"), parent
        )
        self._services = services
        self._runner = runner
        self._case = case
        self.received_on = DateEdit(date.today(), allow_future=False)
        self.requester = QLineEdit()
        self.requester.setPlaceholderText(_("Họ tên, địa chỉ người đề nghị tìm"))
        self.sought = QLineEdit()
        self.sought.setPlaceholderText(_("Họ tên, năm sinh, quê quán người cần tìm"))
        self.narrative = QPlainTextEdit()
        self.narrative.setPlaceholderText(_("Hoàn cảnh thất lạc, thông tin đã biết (chỉ lưu tại xã)"))
        self.narrative.setTabChangesFocus(True)
        self.narrative.setMaximumHeight(120)
        self.add_field("received_on", _("Ngày tiếp nhận (*)"), self.received_on)
        self.add_field("requester", _("Người đề nghị (*)"), self.requester)
        self.add_field("sought_person", _("Người cần tìm (*)"), self.sought)
        self.add_field("narrative", _("Nội dung"), self.narrative)
        self.requester.textChanged.connect(self._on_requester_text_changed)
        self.sought.textChanged.connect(self._on_sought_text_changed)
        if case is not None:
            self.received_on.set_value(case.received_on)
            self.requester.setText(case.requester)
            self.sought.setText(case.sought_person)
            self.narrative.setPlainText(case.narrative)
        self.received_on.setFocus()

    def _on_requester_text_changed(self, text: str) -> None:
        if text.strip():
            self.mark("requester", "")

    def _on_sought_text_changed(self, text: str) -> None:
        if text.strip():
            self.mark("sought_person", "")

    def _on_save(self) -> None:
        checks = [("received_on", self.received_on.check())]
        for key, edit, message in (
            ("requester", self.requester, _("Hãy nhập người đề nghị tìm kiếm.")),
            ("sought_person", self.sought, _("Hãy nhập người cần tìm.")),
        ):
            if not normalize_text(edit.text()):
                self.mark(key, message)
                checks.append((key, False))
        bad = next((key for key, ok in checks if not ok), None)
        if bad is not None:
            self.fields[bad].setFocus()
            return
        received_on = self.received_on.value()
        assert received_on is not None
        data = TracingInput(
            received_on, self.requester.text(), self.sought.text(), self.narrative.toPlainText()
        )
        activities, case_id = self._services.activities, self._case.id if self._case else None
        self.saving(True)
        Op(
            self,
            lambda _p: (
                activities.open_case(data) if case_id is None else activities.update_case(case_id, data)
            ),
            writes=True,
        ).success(self._on_saved).failure(self.show_failure).run(self._runner)

    def _on_saved(self, row: TracingRow) -> None:
        self.saved.emit(row)
        self.accept()


class CaseStatusDialog(FormDialog):
    """ "Đổi trạng thái": "Có kết quả" and "Đóng" end the case on a date (today by default)."""

    saved = Signal(object)  # TracingRow

    def __init__(
        self, services: Services, runner: Runner, case: TracingRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Đổi trạng thái hồ sơ"), parent, width=520)
        self._services = services
        self._runner = runner
        self._case = case
        self.status = QComboBox()
        for code, label in TRACING_STATUSES.items():
            self.status.addItem(_(label), code)
        self.status.setCurrentIndex(max(0, self.status.findData(case.status)))
        self.closed_on = DateEdit(case.closed_on or date.today(), allow_future=False)
        self.add_field(
            "case",
            _("Hồ sơ"),
            QLabel(
                _("{sought} (người đề nghị: {requester})").format(
                    sought=case.sought_person, requester=case.requester
                )
            ),
        )
        self.add_field("status", _("Trạng thái (*)"), self.status)
        self.closed_label = self.add_field("closed_on", _("Ngày kết thúc (*)"), self.closed_on)
        self.status.currentIndexChanged.connect(self._on_status_current_index_changed)
        self.closed_on.changed.connect(self._check_closed_on)
        self._on_status_current_index_changed()
        self.status.setFocus()

    def _check_closed_on(self) -> bool:
        if not self._closing():
            return True
        if not self.closed_on.check():
            return False
        closed_on = self.closed_on.value()
        if closed_on is not None and closed_on < self._case.received_on:
            self.closed_on.show_error(
                _("Ngày kết thúc phải từ ngày tiếp nhận ({day}) trở đi.").format(
                    day=format_date(self._case.received_on)
                )
            )
            return False
        return True

    def _closing(self) -> bool:
        return self.status.currentData() in CLOSING_STATUSES

    def _on_status_current_index_changed(self, *_args: object) -> None:
        closing = self._closing()
        self.closed_label.setVisible(closing)
        self.closed_on.setVisible(closing)
        self.grow_to_fit()

    def _on_save(self) -> None:
        closing = self._closing()
        if not self._check_closed_on():
            self.closed_on.setFocus()
            return
        status, closed_on = str(self.status.currentData()), self.closed_on.value() if closing else None
        activities, case_id = self._services.activities, self._case.id
        self.saving(True)
        Op(self, lambda _p: activities.set_case_status(case_id, status, closed_on), writes=True).success(
            self._on_saved
        ).failure(self.show_failure).run(self._runner)

    def _on_saved(self, row: TracingRow) -> None:
        self.saved.emit(row)
        self.accept()
