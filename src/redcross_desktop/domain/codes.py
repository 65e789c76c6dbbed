# SPDX-License-Identifier: MIT
"""Code lists of the Red Cross domain (domain.md §2): the stored code and its Vietnamese label.

Codes are stable (they are stored and exported); labels are translatable. Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..core.i18n import N_


def _codes(**labels: str) -> Mapping[str, str]:
    return MappingProxyType(labels)


SEX = _codes(M=N_("Nam"), F=N_("Nữ"))

DONATION_CHANNELS = _codes(
    cash=N_("Tiền mặt"), transfer=N_("Chuyển khoản"), box=N_("Hòm quyên góp"), in_kind=N_("Hiện vật")
)
VALUATION_BASES = _codes(
    declared=N_("Người tặng kê khai"), invoice=N_("Theo hóa đơn"), estimate=N_("Ước tính")
)

CAMPAIGN_KINDS = _codes(
    regular=N_("Thường xuyên"),
    tet=N_("Tết Nhân ái"),
    humanitarian_month=N_("Tháng Nhân đạo"),
    disaster=N_("Thiên tai, dịch bệnh, sự cố"),
    critical_patient=N_("Bệnh nhân hiểm nghèo"),
    fund=N_("Quỹ hoạt động Chữ thập đỏ"),
    humanitarian_address=N_("Địa chỉ nhân đạo"),
)
# Decree 93/2021 covers contributions for disasters, epidemics, incidents and critically ill patients.
DECREE93_KINDS = frozenset({"disaster", "critical_patient"})

ITEM_CATEGORIES = _codes(
    food=N_("Lương thực"),
    essentials=N_("Nhu yếu phẩm"),
    clothing=N_("Quần áo"),
    medical=N_("Thuốc, vật tư y tế"),
    school=N_("Đồ dùng học tập"),
    tools=N_("Dụng cụ"),
    other=N_("Khác"),
)

STOCK_MOVEMENTS = _codes(
    receipt=N_("Nhập kho"), issue=N_("Xuất kho"), return_=N_("Nhập lại"), adjustment=N_("Điều chỉnh kiểm kê")
)

RELIEF_KINDS = _codes(
    emergency=N_("Cứu trợ khẩn cấp"),
    recovery=N_("Tái thiết, phục hồi"),
    regular=N_("Trợ giúp thường xuyên"),
    health=N_("Khám, tư vấn, cấp thuốc, tặng quà"),
    house=N_("Nhà Chữ thập đỏ"),
    livelihood=N_("Sinh kế"),
    scholarship=N_("Học bổng"),
    equipment=N_("Dụng cụ (xe lăn…)"),
    kitchen=N_("Bếp ăn tình thương"),
)

VULNERABLE_GROUPS = _codes(
    poor=N_("Hộ nghèo"),
    near_poor=N_("Hộ cận nghèo"),
    disabled=N_("Người khuyết tật"),
    elderly_alone=N_("Người cao tuổi cô đơn"),
    orphan=N_("Trẻ mồ côi, có hoàn cảnh đặc biệt"),
    agent_orange=N_("Nạn nhân chất độc da cam"),
    disaster_affected=N_("Ảnh hưởng thiên tai"),
    critical_patient=N_("Bệnh nhân hiểm nghèo"),
    homeless=N_("Người cơ nhỡ"),
    other=N_("Khác"),
)
# Health-related groups never leave the commune and never appear on public lists (domain.md §6).
HEALTH_GROUPS = frozenset({"disabled", "agent_orange", "critical_patient"})

POVERTY_STATUSES = _codes(poor=N_("Hộ nghèo"), near_poor=N_("Hộ cận nghèo"), none=N_("Không"))

DISTRIBUTION_STATUSES = _codes(
    draft=N_("Nháp"),
    printed=N_("Đã in"),
    signed=N_("Đã ký nhận"),
    reconciled=N_("Đã đối chiếu"),
    closed=N_("Đã đóng"),
)

BLOOD_TYPES = _codes(
    whole=N_("Máu toàn phần"),
    red_cells=N_("Gạn tách hồng cầu"),
    platelets=N_("Gạn tách tiểu cầu"),
    plasma=N_("Huyết tương"),
)

MEMBER_CATEGORIES = _codes(
    member=N_("Hội viên"),
    volunteer=N_("Tình nguyện viên"),
    youth=N_("Thanh niên Chữ thập đỏ"),
    junior=N_("Thiếu niên Chữ thập đỏ"),
)
VOLUNTEER_RANKS = _codes(
    platinum=N_("TNV cấp 1 (Bạch kim)"),
    gold=N_("TNV cấp 2 (Vàng)"),
    silver=N_("TNV cấp 3 (Bạc)"),
    active=N_("TNV hoạt động"),
)
SUB_UNIT_KINDS = _codes(
    chi_hoi=N_("Chi hội"),
    first_aid_team=N_("Đội sơ cấp cứu"),
    disaster_team=N_("Đội ứng phó thảm họa"),
    blood_club=N_("CLB hiến máu"),
    youth_club=N_("CLB thanh niên"),
)

ACTIVITY_TYPES = _codes(
    first_aid=N_("Sơ cấp cứu"),
    disaster=N_("Phòng ngừa, ứng phó thảm họa"),
    tracing=N_("Tìm kiếm thân nhân"),
    communication=N_("Truyền thông"),
    health=N_("Chăm sóc sức khỏe"),
    youth=N_("Thanh thiếu niên"),
    movement=N_("Phong trào"),
    commendation=N_("Thi đua, khen thưởng"),
)
TRACING_STATUSES = _codes(
    received=N_("Tiếp nhận"),
    in_progress=N_("Đang xử lý"),
    found=N_("Có kết quả"),
    referred=N_("Chuyển tỉnh"),
    closed=N_("Đóng"),
)
CONSENT_STATUSES = _codes(
    unknown=N_("Chưa rõ"), given=N_("Đồng ý"), withdrawn=N_("Đã rút lại"), refused=N_("Không đồng ý")
)

BRANCH_MODES = _codes(commune=N_("Cấp xã"), province=N_("Cấp tỉnh"))
