# SPDX-License-Identifier: MIT
"""The main window: a sidebar of the twelve sections, their pages, and a status bar. Qt is imported here.

The window can be shown before the store is open (`services=None`): the sidebar, a title and the
status line "Đang mở dữ liệu…" paint at once, and `attach()` brings the services later. So that
first paint waits for none of SQLAlchemy, the services, reportlab or QtCharts, this module imports
none of them: a section's module is imported when its page is first built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QPaintEvent, QShortcut
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
from .state import UiState
from .style import app_icon, muted_label, title_label
from .tasks import Runner

if TYPE_CHECKING:
    from ..services.container import Services

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


# Each section's page: its module under ui.sections and its class. Named, not imported, so the
# window paints before any of them (and what they import) is loaded.
PAGES: dict[str, tuple[str, str]] = {
    "overview": ("overview", "OverviewSection"),
    "people": ("people", "PeopleSection"),
    "donations": ("donations", "DonationsSection"),
    "stock": ("stock", "StockSection"),
    "relief": ("relief", "ReliefSection"),
    "blood": ("blood", "BloodSection"),
    "members": ("members", "MembersSection"),
    "activities": ("activities", "ActivitiesSection"),
    "reports": ("reports", "ReportsSection"),
    "sync": ("sync", "SyncSection"),
    "certificates": ("certificates", "CertificatesSection"),
    "settings": ("settings", "SettingsSection"),
}


def section_module(key: str) -> str:
    """The module that holds the page of section `key` (a placeholder's for a section without one)."""
    module = PAGES[key][0] if key in PAGES else "placeholder"
    return f"{__package__}.sections.{module}"


class _LazySections(Mapping[str, QWidget]):
    """The section pages by key, in sidebar order; each is built on first access, once there is a
    `factory` (the store is open). Until then every page is a stand-in."""

    def __init__(self, pages: QStackedWidget) -> None:
        self._pages = pages
        self.factory: Callable[[str], QWidget] | None = None
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        if key not in self._built:
            index = [spec.key for spec in SECTIONS].index(key)  # KeyError-like for unknown keys
            if self.factory is None:
                raise LookupError(f"section {key!r}: the store is not open yet")
            page = self.factory(key)
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


class _OpeningPage(QWidget):
    """Stands in for a section until the store is open: its title and that the data is opening."""

    def __init__(self, title: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title_label(title))
        layout.addWidget(muted_label(_("Đang mở dữ liệu…")))
        layout.addStretch(1)


class MainWindow(QMainWindow):
    """`services=None` shows the window before the store is open; `attach()` completes it, then
    the chosen section is built. `first_painted` is emitted (queued) after the first paint."""

    first_painted = Signal()
    ready = Signal()  # attach() is done and the current section built

    def __init__(
        self,
        services: Services | None,
        runner: Runner,
        *,
        demo: bool = False,
        paths: AppPaths | None = None,  # the store's folders; None: beside the store's file
        state: UiState | None = None,  # the user's preferences file; None: in `paths`
    ) -> None:
        super().__init__()
        self.services: Services | None = None
        self.runner = runner
        self.demo = demo
        self._paths = paths
        self._state = state
        self._painted = False
        self.setWindowTitle(_("Phần mềm quản lý Hội Chữ thập đỏ"))
        self.resize(*DEFAULT_SIZE)
        self.setMinimumSize(*MINIMUM_SIZE)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sidebar.ensurePolished()  # the stylesheet's font decides the row height below
        row_height = self.sidebar.fontMetrics().height() + 16
        self.pages = QStackedWidget()
        # Pages are built the first time they are shown (or asked for): start-up then costs one
        # section, not twelve, and a section's first queries run only when the officer opens it.
        self.sections = _LazySections(self.pages)
        for spec in SECTIONS:
            self.pages.addWidget(_OpeningPage(_(spec.title)))  # a stand-in until the page is built
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

        self.opening_label: QLabel | None = QLabel(_("Đang mở dữ liệu…"))
        self.statusBar().addWidget(self.opening_label)

        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self._on_find_shortcut_activated)
        self.sidebar.setCurrentRow(0)
        if services is not None:
            self.attach(services)

    def attach(self, services: Services, *, demo: bool | None = None, paths: AppPaths | None = None) -> None:
        """The store is open: name the branch, fill the status bar and build the current section."""
        self.services = services
        if demo is not None:
            self.demo = demo
        if paths is not None:
            self._paths = paths
        branch = services.branch
        title = (
            _("{branch} (dữ liệu mẫu) — Phần mềm quản lý Hội Chữ thập đỏ")
            if self.demo
            else _("{branch} — Phần mềm quản lý Hội Chữ thập đỏ")
        )
        self.setWindowTitle(title.format(branch=branch.name))
        if self.opening_label is not None:
            self.statusBar().removeWidget(self.opening_label)
            self.opening_label.deleteLater()
            self.opening_label = None
        mode = _("Chi hội cấp tỉnh") if branch.is_province else _("Chi hội cấp xã/phường")
        self.statusBar().addWidget(QLabel(_("Mã chi hội: {code}").format(code=branch.branch_code)))
        self.statusBar().addWidget(QLabel(mode))
        if self.demo:
            self.statusBar().addWidget(QLabel(_("Dữ liệu mẫu: chỉ để làm quen, không dùng để báo cáo")))
        self.sections.factory = self._make_page
        self._on_sidebar_current_row_changed(self.sidebar.currentRow())  # the section chosen meanwhile
        self.ready.emit()

    def _make_page(self, key: str) -> QWidget:
        assert self.services is not None
        module = import_module(section_module(key))
        if key not in PAGES:
            spec = next(spec for spec in SECTIONS if spec.key == key)
            placeholder: Callable[[str, str], QWidget] = module.PlaceholderSection
            return placeholder(_(spec.title), _(spec.later))
        page_class: Callable[..., QWidget] = getattr(module, PAGES[key][1])
        extra: dict[str, object] = {}
        if key in ("sync", "settings"):
            extra["paths"] = self._paths
        if key == "settings":
            extra["state"] = self._state
        return page_class(self.services, self.runner, **extra)

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

    @property
    def is_ready(self) -> bool:
        return self.sections.factory is not None

    def _on_sidebar_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        if self.is_ready:
            self.sections[SECTIONS[row].key]  # builds it on first use
        # Before the store is open the click still lands: the row is chosen, its stand-in shows,
        # and attach() builds that section.
        self.pages.setCurrentIndex(row)

    def show_section(self, key: str) -> QWidget:
        """Chooses a section; its page, or its stand-in while the store is opening."""
        index = list(self.sections).index(key)
        self.sidebar.setCurrentRow(index)
        return self.sections[key] if self.is_ready else self._stand_in(index)

    def current_section(self) -> QWidget:
        key = SECTIONS[self.pages.currentIndex()].key
        return self.sections[key] if self.is_ready else self._stand_in(self.pages.currentIndex())

    def _stand_in(self, index: int) -> QWidget:
        page = self.pages.widget(index)
        assert page is not None
        return page

    def _on_find_shortcut_activated(self) -> None:
        page = self.current_section()
        if isinstance(page, Searchable):
            page.focus_search()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # Queued: the children are painted in this same pass, and whatever listens (the store
            # opening) should start only once the window is on screen.
            QTimer.singleShot(0, self, self.first_painted.emit)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.runner.shutdown()  # queued writes are the user's data: finish them before the store closes
        super().closeEvent(event)
