# SPDX-License-Identifier: MIT
"""The Chứng nhận section over real services: choose recipients, preview (no number taken), issue
with the signing key's passphrase, the issued list with reprints and voids, checking a code, and a
distribution list printed for signatures. PDFs are shown by QtPdf offscreen."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from redcross_desktop.certificates import codes
from redcross_desktop.core.progress import EventProgress
from redcross_desktop.db.models import NumberSeries
from redcross_desktop.services.campaigns import CampaignInput
from redcross_desktop.services.container import Services
from redcross_desktop.services.distributions import DistributionLineInput
from redcross_desktop.services.donations import DonationInput
from redcross_desktop.services.people import PersonInput
from redcross_desktop.ui.dialogs.passphrase_prompt import PassphrasePrompt
from redcross_desktop.ui.sections.certificates import CertificatesSection
from redcross_desktop.ui.tasks import InlineTaskRunner

PASS = "mat-khau-chi-hoi"
YEAR = date.today().year
DONORS = (
    ("Nguyễn Văn An", "M", 1_250_000),
    ("Lê Thị Bình", "F", 800_000),
    ("Trần Văn Cường", "M", 2_000_000),
)


def pdf_pages(path: Path) -> list[str]:
    return [" ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in PdfReader(path).pages]


def counter(services: Services, series: str = "CN") -> int | None:
    with services.ctx.sessions() as s:
        row = s.get(NumberSeries, (series, YEAR))
        return row.last_number if row else None


@pytest.fixture
def campaign_id(services: Services) -> int:
    tet = services.campaigns.create(
        CampaignInput(code="TET", name="Tết Nhân ái", kind="tet", start_date=date(YEAR, 1, 1))
    ).id
    for name, sex, amount in DONORS:
        donor = services.people.create(PersonInput(name, sex=sex, thon="Tổ 1")).person.id
        services.donations.record(
            DonationInput(date(YEAR, 1, 5), donor_id=donor, campaign_id=tet, cash_vnd=amount)
        )
    return tet


@pytest.fixture
def section(qtbot, services: Services, campaign_id: int) -> CertificatesSection:
    widget = CertificatesSection(services, InlineTaskRunner())
    qtbot.addWidget(widget)
    widget.resize(1166, 700)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def names(section: CertificatesSection) -> list[str]:
    return [c.name for c in section.issue.model.candidates]


def uncheck(section: CertificatesSection, name: str) -> None:
    model = section.issue.model
    row = names(section).index(name)
    assert model.setData(model.index(row, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)


def open_prompt(section: CertificatesSection, qtbot) -> PassphrasePrompt:
    qtbot.mouseClick(section.issue.issue_button, Qt.MouseButton.LeftButton)
    prompt = section.issue.prompt
    assert prompt is not None and prompt.isVisible()
    return prompt


def issue(section: CertificatesSection, qtbot, passphrase: str = PASS) -> PassphrasePrompt:
    prompt = open_prompt(section, qtbot)
    qtbot.keyClicks(prompt.passphrase, passphrase)
    qtbot.mouseClick(prompt.confirm_button, Qt.MouseButton.LeftButton)
    return prompt


def test_candidates_are_listed_all_chosen_and_the_filters_follow_the_kind(
    section: CertificatesSection, campaign_id: int, qtbot
) -> None:
    tab = section.issue
    assert names(section) == ["Nguyễn Văn An", "Lê Thị Bình", "Trần Văn Cường"]  # Vietnamese name order
    model = tab.model
    assert [model.data(model.index(r, 2)) for r in range(3)] == ["1.250.000 đ", "800.000 đ", "2.000.000 đ"]
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Số tiền"
    assert tab.count.text() == "Đã chọn 3/3 người"
    tab.campaign.setCurrentIndex(tab.campaign.findData(campaign_id))
    qtbot.keyClicks(tab.min_amount.edit, "1tr")
    qtbot.mouseClick(tab.find_button, Qt.MouseButton.LeftButton)
    assert names(section) == ["Nguyễn Văn An", "Trần Văn Cường"]
    assert tab.form.isRowVisible(1) and not tab.form.isRowVisible(4)

    tab.kind.setCurrentIndex(tab.kind.findText("Khen tặng tình nguyện viên"))
    assert not tab.form.isRowVisible(1) and not tab.form.isRowVisible(2) and tab.form.isRowVisible(4)
    assert names(section) == [] and "Không có ai đủ điều kiện" in tab.hint.text()
    assert not tab.issue_button.isEnabled()
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Số giờ"


def test_preview_shows_the_pdf_and_takes_no_number(
    section: CertificatesSection, services: Services, qtbot
) -> None:
    tab = section.issue
    uncheck(section, "Lê Thị Bình")
    assert tab.count.text() == "Đã chọn 2/3 người"
    qtbot.mouseClick(tab.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tab.viewer.ready)
    assert tab.viewer.document.pageCount() == 2
    assert tab.viewer.caption.text() == "Bản xem trước: 2 giấy, chưa cấp số · 2 trang"
    pages = pdf_pages(tab.viewer.path)
    assert "NGUYỄN VĂN AN" in pages[0] and "TRẦN VĂN CƯỜNG" in pages[1]
    assert all("BẢN XEM TRƯỚC" in page for page in pages)
    assert counter(services) is None and services.certificates.list() == []


def test_issue_with_the_passphrase_numbers_the_chosen_and_lists_them(
    section: CertificatesSection, services: Services, qtbot
) -> None:
    services.keys.create(PASS)
    tab = section.issue
    tab.set_choice("donor_thanks")
    uncheck(section, "Lê Thị Bình")
    prompt = issue(section, qtbot)
    assert prompt.result() == QDialog.DialogCode.Accepted
    result = tab.last_result
    assert result is not None
    assert [(c.serial, c.recipient) for c in result.certificates] == [
        (f"CN-{YEAR}-000001", "Nguyễn Văn An"),
        (f"CN-{YEAR}-000002", "Trần Văn Cường"),
    ]
    qtbot.waitUntil(tab.viewer.ready)
    assert tab.viewer.document.pageCount() == 2 and tab.viewer.print_button.isEnabled()
    assert f"Đã cấp 2 giấy: CN-{YEAR}-000001 đến CN-{YEAR}-000002." in tab.result.text()
    pages = pdf_pages(result.path)
    assert "THƯ CẢM ƠN" in pages[0].upper() and f"CN-{YEAR}-000001" in pages[0]

    section.tabs.setCurrentWidget(section.issued)
    table = section.issued.table
    shown = [table.model_.data(table.model_.index(r, 0)) for r in range(table.model_.rowCount())]
    assert shown == [f"CN-{YEAR}-000001", f"CN-{YEAR}-000002"]
    assert table.model_.data(table.model_.index(0, 1)) == "Thư cảm ơn"
    assert table.model_.data(table.model_.index(0, 7)) == "Còn hiệu lực"


def test_a_wrong_passphrase_issues_nothing_and_says_so(
    section: CertificatesSection, services: Services, qtbot
) -> None:
    services.keys.create(PASS)
    prompt = issue(section, qtbot, "mat-khau-sai")
    assert prompt.isVisible() and prompt.confirm_button.isEnabled()
    assert prompt.hint.isVisible() and "Mật khẩu chưa đúng" in prompt.hint.text()
    assert counter(services) is None and services.certificates.list() == []
    assert section.issue.last_result is None
    prompt.passphrase.clear()
    qtbot.keyClicks(prompt.passphrase, PASS)
    qtbot.keyClick(prompt.passphrase, Qt.Key.Key_Return)  # Enter confirms
    assert prompt.result() == QDialog.DialogCode.Accepted and counter(services) == 3


def test_a_branch_without_a_key_sets_a_passphrase_first(
    section: CertificatesSection, services: Services, qtbot
) -> None:
    assert services.keys.show() is None
    prompt = open_prompt(section, qtbot)
    assert prompt.create_key and prompt.new_fields is not None
    qtbot.keyClicks(prompt.new_fields.first, PASS)
    qtbot.mouseClick(prompt.confirm_button, Qt.MouseButton.LeftButton)
    assert prompt.isVisible() and prompt.hint.isVisible()  # typed once only
    qtbot.keyClicks(prompt.new_fields.second, PASS)
    qtbot.mouseClick(prompt.confirm_button, Qt.MouseButton.LeftButton)
    assert prompt.result() == QDialog.DialogCode.Accepted
    assert services.keys.show() is not None and counter(services) == 3
    services.keys.unlock(PASS)  # the key is protected by what was typed


def test_void_needs_a_reason_and_reprint_is_a_copy(
    section: CertificatesSection, services: Services, qtbot
) -> None:
    services.keys.create(PASS)
    issue(section, qtbot)
    section.tabs.setCurrentWidget(section.issued)
    tab = section.issued
    tab.table.selectRow(1)
    assert tab.void_button.isEnabled()

    qtbot.mouseClick(tab.reprint_button, Qt.MouseButton.LeftButton)
    preview = tab.preview
    assert preview is not None and preview.isVisible()
    qtbot.waitUntil(preview.viewer.ready)
    (page,) = pdf_pages(preview.viewer.path)
    assert "BẢN SAO" in page and f"CN-{YEAR}-000002" in page
    preview.reject()
    assert services.certificates.get(f"CN-{YEAR}-000002").print_count == 2

    tab.table.select_id(services.certificates.get(f"CN-{YEAR}-000002").id)
    qtbot.mouseClick(tab.void_button, Qt.MouseButton.LeftButton)
    dialog = tab.reason_dialog
    assert dialog is not None and dialog.confirm_button.text() == "Hủy giấy"
    assert dialog.cancel_button.text() == "Bỏ qua"
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.hint.text() == "Hãy ghi lý do hủy giấy."
    assert services.certificates.get(f"CN-{YEAR}-000002").status == "valid"
    qtbot.keyClicks(dialog.reason, "Ghi sai ten")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    voided = services.certificates.get(f"CN-{YEAR}-000002")
    assert (voided.status, voided.void_reason) == ("void", "Ghi sai ten")
    model = tab.table.model_
    row = model.position_of(voided.id)
    assert row is not None and model.data(model.index(row, 7)) == "Đã hủy: Ghi sai ten"
    tab.status.setCurrentIndex(tab.status.findData("void"))
    assert model.rowCount() == 1 and tab.summary.text() == "1 giấy, trong đó 1 đã hủy"


def test_check_a_genuine_and_a_tampered_code(section: CertificatesSection, services: Services, qtbot) -> None:
    services.keys.create(PASS)
    issue(section, qtbot)
    genuine = services.certificates.get(f"CN-{YEAR}-000001")
    section.tabs.setCurrentWidget(section.issued)
    qtbot.mouseClick(section.issued.verify_button, Qt.MouseButton.LeftButton)
    dialog = section.issued.verify_dialog
    assert dialog is not None and dialog.isVisible()

    dialog.code.setText(genuine.qr_text)
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.verdict.text().startswith("HỢP LỆ")
    shown = {
        dialog.fields.itemAt(r, dialog.fields.ItemRole.LabelRole).widget().text(): dialog.fields.itemAt(
            r, dialog.fields.ItemRole.FieldRole
        )
        .widget()
        .text()
        for r in range(dialog.fields.rowCount())
    }
    assert shown["Số:"] == f"CN-{YEAR}-000001" and shown["Người nhận:"] == "Nguyễn Văn An"
    assert shown["Số tiền:"] == "1.250.000 đ"

    fields, _message, signature = codes.decode(genuine.qr_text)
    tampered = codes.encode(
        codes.CodeFields(
            fields.serial,
            fields.branch_code,
            fields.key_id,
            fields.issued_on,
            fields.recipient_name,
            12_500_000,
        ),
        signature,
    )
    dialog.code.setText(tampered)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.verdict.text() == "KHÔNG HỢP LỆ"
    assert dialog.check is not None and dialog.check.status == "bad_signature"

    dialog.code.setText(genuine.verification_code.lower())  # the short code, as typed by a person
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.verdict.text().startswith("HỢP LỆ")


def test_distribution_list_is_printed_for_signatures(
    section: CertificatesSection, services: Services, qtbot
) -> None:
    lists = services.distributions
    made = lists.create_list("Tặng quà Tết - tổ 1", date(YEAR, 1, 28), programme="Tết Nhân ái")
    for name, _sex, _amount in DONORS:
        person = services.people.search(name)[0].id
        lists.add_line(made.id, DistributionLineInput(person, group_code="poor", cash_vnd=500_000))
    section.tabs.setCurrentWidget(section.sheets)
    tab = section.sheets
    assert tab.table.model_.rowCount() == 1 and not tab.print_button.isEnabled()
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.print_button, Qt.MouseButton.LeftButton)
    preview = tab.preview
    assert preview is not None
    qtbot.waitUntil(preview.viewer.ready)
    text = " ".join(pdf_pages(preview.viewer.path))
    assert "Nguyễn Văn An" in text and "Trần Văn Cường" in text
    assert lists.get(made.id).distribution.status == "printed"
    assert tab.table.model_.data(tab.table.model_.index(0, 5)) == lists.get(made.id).distribution.status_label


def test_a_batch_cancelled_from_its_progress_takes_no_number(
    section: CertificatesSection, services: Services, qtbot, tmp_path: Path
) -> None:
    services.keys.create(PASS)
    request = section.issue.request(section.issue.model.chosen_ids())
    stopped = EventProgress()
    stopped.cancel()  # what "Bỏ qua" on the progress dialog does, before the first page
    prompt = PassphrasePrompt(
        InlineTaskRunner(),
        "Cấp giấy chứng nhận",
        "",
        "Cấp và in",
        lambda passphrase, _progress: services.certificates.issue(
            request, passphrase, tmp_path / "cn.pdf", stopped
        ),
        section,
    )
    seen: list[str] = []
    prompt.stopped.connect(lambda: seen.append("stopped"))
    prompt.open()
    qtbot.keyClicks(prompt.passphrase, PASS)
    qtbot.mouseClick(prompt.confirm_button, Qt.MouseButton.LeftButton)
    assert seen == ["stopped"] and prompt.result() == QDialog.DialogCode.Rejected
    assert counter(services) is None and services.certificates.list() == []
    assert not (tmp_path / "cn.pdf").exists()


def test_the_viewer_paints_offscreen(section: CertificatesSection, qtbot) -> None:
    tab = section.issue
    qtbot.mouseClick(tab.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tab.viewer.ready)
    for key in ("page", "actual", "width"):
        tab.viewer.zoom.setCurrentIndex(tab.viewer.zoom.findData(key))
        assert not tab.viewer.view.grab().isNull()
    tab.viewer.clear()
    assert tab.viewer.path is None and not tab.viewer.print_button.isEnabled()
