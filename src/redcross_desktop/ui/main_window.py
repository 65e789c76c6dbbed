# SPDX-License-Identifier: MIT
"""The main window: a sidebar of the twelve sections, their pages, and a status bar. Qt is imported here."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import N_, _
from ..core.paths import AppPaths
from ..services.container import Services
from .sections.activities import ActivitiesSection
from .sections.blood import BloodSection
from .sections.certificates import CertificatesSection
from .sections.donations import DonationsSection
from .sections.members import MembersSection
from .sections.overview import OverviewSection
from .sections.people import PeopleSection
from .sections.placeholder import PlaceholderSection
from .sections.relief import ReliefSection
from .sections.reports import ReportsSection
from .sections.settings import SettingsSection
from .sections.stock import StockSection
from .sections.sync import SyncSection
from .state import UiState
from .style import app_icon
from .tasks import Runner

DEFAULT_SIZE = (1280, 700)  # inside a 1366×768 screen with the Windows taskbar and title bar
MINIMUM_SIZE = (960, 560)
SIDEBAR_WIDTH = 200


@runtime_checkable
class Searchable(Protocol):
    def focus_search(self) -> bool: ...


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str  # N_()
    later: str = ""  # N_(): what a section whose back end comes later will do


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("overview", N_("Tổng quan")),
    SectionSpec("people", N_("Người")),
    SectionSpec(
        "donations",
        N_("Quyên góp"),
        N_(
            "Ghi nhận tiền và hiện vật ủng hộ theo từng đợt vận động, in biên nhận có số liên tục, hủy biên "
            "nhận kèm lý do, in thư cảm ơn và bảng kê cho nhà hảo tâm."
        ),
    ),
    SectionSpec(
        "stock",
        N_("Kho hiện vật"),
        N_(
            "Nhập, xuất và theo dõi tồn kho hiện vật (gạo, mì, chăn, áo ấm…), kiểm kê định kỳ và đối chiếu "
            "với danh sách cấp phát."
        ),
    ),
    SectionSpec(
        "relief",
        N_("Cứu trợ / hỗ trợ"),
        N_(
            "Lập danh sách đối tượng sau bình xét, cấp phát suất quà cứu trợ khẩn cấp và trợ giúp nhân đạo, "
            "in danh sách ký nhận (có ghi người nhận thay) và đối chiếu với kho."
        ),
    ),
    SectionSpec(
        "blood",
        N_("Hiến máu"),
        N_(
            "Quản lý các đợt hiến máu: đăng ký, kết quả khám sàng lọc, ngày đủ điều kiện hiến tiếp, "
            "danh sách người hiến máu nhiều lần cần tôn vinh."
        ),
    ),
    SectionSpec(
        "members",
        N_("Hội viên & TNV"),
        N_(
            "Danh sách hội viên, tình nguyện viên và thanh thiếu niên theo chi hội; thu hội phí, ghi giờ "
            "tình nguyện và khen thưởng."
        ),
    ),
    SectionSpec(
        "activities",
        N_("Hoạt động"),
        N_(
            "Ghi lại các hoạt động sơ cấp cứu, ứng phó thảm họa, truyền thông, tìm kiếm thân nhân… cùng số "
            "người tham gia và số người được hưởng lợi."
        ),
    ),
    SectionSpec(
        "reports",
        N_("Báo cáo"),
        N_(
            "Lập báo cáo tháng, quý, năm theo bộ chỉ tiêu của Hội (có lũy kế và cùng kỳ), xuất Excel "
            "đúng thể thức văn bản và chốt số liệu từng tháng."
        ),
    ),
    SectionSpec(
        "sync",
        N_("Đồng bộ"),
        N_(
            "Xuất gói dữ liệu có chữ ký để gửi Hội cấp tỉnh qua USB hoặc thư điện tử, chạy thử và nhập gói; "
            "ở cấp tỉnh có bảng theo dõi nộp báo cáo."
        ),
    ),
    SectionSpec(
        "certificates",
        N_("Chứng nhận"),
        N_("In giấy chứng nhận và thư cảm ơn có số và mã QR để kiểm tra, tra cứu các giấy đã cấp."),
    ),
    SectionSpec(
        "settings",
        N_("Cài đặt"),
        N_(
            "Thông tin chi hội và người ký, mức hội phí, các ngưỡng về hiến máu, sao lưu và phục hồi "
            "dữ liệu, nhật ký thay đổi và việc đồng ý xử lý dữ liệu cá nhân."
        ),
    ),
)


class _LazySections(Mapping[str, QWidget]):
    """The section pages by key, in sidebar order; each is built on first access."""

    def __init__(self, pages: QStackedWidget, factories: dict[str, Callable[[], QWidget]]) -> None:
        self._pages = pages
        self._factories = factories
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        if key not in self._built:
            index = [spec.key for spec in SECTIONS].index(key)  # KeyError-like for unknown keys
            spec = SECTIONS[index]
            factory = self._factories.get(key)
            page = factory() if factory else PlaceholderSection(_(spec.title), _(spec.later))
            page.setObjectName(f"section-{key}")
            stand_in = self._pages.widget(index)
            current = self._pages.currentIndex()
            self._pages.insertWidget(index, page)
            if stand_in is not None:
                self._pages.removeWidget(stand_in)
                stand_in.deleteLater()
            self._pages.setCurrentIndex(current)
            self._built[key] = page
        return self._built[key]

    def __iter__(self) -> Iterator[str]:
        return iter(spec.key for spec in SECTIONS)

    def __len__(self) -> int:
        return len(SECTIONS)


class MainWindow(QMainWindow):
    def __init__(
        self,
        services: Services,
        runner: Runner,
        *,
        demo: bool = False,
        paths: AppPaths | None = None,  # the store's folders; None: beside the store's file
        state: UiState | None = None,  # the user's preferences file; None: in `paths`
    ) -> None:
        super().__init__()
        self.services = services
        self.runner = runner
        branch = services.branch
        title = (
            _("{branch} (dữ liệu mẫu) — Phần mềm quản lý Hội Chữ thập đỏ")
            if demo
            else _("{branch} — Phần mềm quản lý Hội Chữ thập đỏ")
        )
        self.setWindowTitle(title.format(branch=branch.name))
        self.resize(*DEFAULT_SIZE)
        self.setMinimumSize(*MINIMUM_SIZE)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sidebar.ensurePolished()  # the stylesheet's font decides the row height below
        row_height = self.sidebar.fontMetrics().height() + 16
        self.pages = QStackedWidget()
        factories: dict[str, Callable[[], QWidget]] = {
            "overview": lambda: OverviewSection(services, runner),
            "people": lambda: PeopleSection(services, runner),
            "donations": lambda: DonationsSection(services, runner),
            "stock": lambda: StockSection(services, runner),
            "relief": lambda: ReliefSection(services, runner),
            "blood": lambda: BloodSection(services, runner),
            "members": lambda: MembersSection(services, runner),
            "activities": lambda: ActivitiesSection(services, runner),
            "reports": lambda: ReportsSection(services, runner),
            "certificates": lambda: CertificatesSection(services, runner),
            "sync": lambda: SyncSection(services, runner, paths=paths),
            "settings": lambda: SettingsSection(services, runner, paths=paths, state=state),
        }
        # Pages are built the first time they are shown (or asked for): start-up then costs one
        # section, not twelve, and a section's first queries run only when the officer opens it.
        self.sections = _LazySections(self.pages, factories)
        for spec in SECTIONS:
            self.pages.addWidget(QWidget())  # a stand-in until the page is built
            item = QListWidgetItem(_(spec.title), self.sidebar)
            # Stylesheet padding does not enlarge list rows; list mode widens them to the viewport.
            item.setSizeHint(QSize(1, row_height))
        self.sidebar.currentRowChanged.connect(self._on_sidebar_current_row_changed)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._sidebar_panel())
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        mode = _("Chi hội cấp tỉnh") if branch.is_province else _("Chi hội cấp xã/phường")
        self.statusBar().addWidget(QLabel(_("Mã chi hội: {code}").format(code=branch.branch_code)))
        self.statusBar().addWidget(QLabel(mode))
        if demo:
            self.statusBar().addWidget(QLabel(_("Dữ liệu mẫu: chỉ để làm quen, không dùng để báo cáo")))

        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self._on_find_shortcut_activated)
        self.sidebar.setCurrentRow(0)

    def _sidebar_panel(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("sidebarPanel")
        panel.setFixedWidth(SIDEBAR_WIDTH)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 1, 0)  # keeps the panel's right border visible beside the list
        column.setSpacing(0)
        brand = QHBoxLayout()
        brand.setContentsMargins(14, 14, 10, 10)
        brand.setSpacing(8)
        logo = QLabel()
        size = self.fontMetrics().height() * 2
        logo.setPixmap(app_icon().pixmap(size, size))
        name = QLabel(_("Hội Chữ thập đỏ"))
        name.setObjectName("brand")
        name.setWordWrap(True)
        brand.addWidget(logo)
        brand.addWidget(name, 1)
        column.addLayout(brand)
        column.addWidget(self.sidebar, 1)
        return panel

    def _on_sidebar_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        self.sections[SECTIONS[row].key]  # builds it on first use
        self.pages.setCurrentIndex(row)

    def show_section(self, key: str) -> QWidget:
        self.sidebar.setCurrentRow(list(self.sections).index(key))
        return self.sections[key]

    def current_section(self) -> QWidget:
        return self.sections[SECTIONS[self.pages.currentIndex()].key]

    def _on_find_shortcut_activated(self) -> None:
        page = self.current_section()
        if isinstance(page, Searchable):
            page.focus_search()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.runner.shutdown()  # queued writes are the user's data: finish them before the store closes
        super().closeEvent(event)
