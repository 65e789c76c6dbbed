# SPDX-License-Identifier: MIT
"""Verification and key-procedure codes of bundle-format.md §8–§9: severity, pipeline stage and the
exact Vietnamese and English messages of the tables (placeholders in braces). Codes are stable:
scripts, tests and the province's records match on them. Qt-free."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

REJECT = "REJECT"
QUARANTINE = "QUARANTINE"
WARN = "WARN"
ROW = "ROW"
INFO = "INFO"
CONFIRM = "CONFIRM"


@dataclass(frozen=True)
class CodeInfo:
    code: str
    severity: str
    stage: int | None  # None: before the pipeline ("–" in the table)
    message_vi: str
    message_en: str


def _table(*rows: tuple[str, str, int | None, str, str]) -> Mapping[str, CodeInfo]:
    return MappingProxyType({r[0]: CodeInfo(*r) for r in rows})


CODES: Mapping[str, CodeInfo] = _table(
    (
        "DEFUSEDXML_MISSING",
        REJECT,
        None,
        "Phần mềm thiếu thành phần bảo vệ đọc tệp; không thể nhập. Hãy cài đặt lại phần mềm.",
        "XML protection missing; import disabled. Reinstall the app.",
    ),
    ("FILE_EMPTY", REJECT, 0, "Tệp rỗng. Hãy sao chép lại tệp gốc.", "Empty file. Copy the original again."),
    (
        "FILE_TOO_LARGE",
        REJECT,
        0,
        "Tệp quá lớn ({size} MB > {limit} MB), không phải gói dữ liệu hợp lệ.",
        "File too large ({size} MB > {limit} MB); not a bundle.",
    ),
    (
        "FILE_ENCRYPTED_OR_XLS",
        REJECT,
        0,
        "Tệp đã bị đặt mật khẩu hoặc lưu dạng .xls. Hãy gửi lại tệp gốc do phần mềm xuất.",
        "Password-protected or .xls. Send the original exported file.",
    ),
    (
        "UNSUPPORTED_FILE_TYPE",
        REJECT,
        0,
        "Không phải tệp .xlsx do phần mềm xuất (không lưu lại dạng .xls/.xlsm/.ods/.csv).",
        "Not an .xlsx from the app (do not re-save as .xls/.xlsm/.ods/.csv).",
    ),
    (
        "CORRUPT_ARCHIVE",
        REJECT,
        1,
        "Tệp bị hỏng hoặc không đầy đủ (có thể do sao chép USB/email lỗi). Hãy sao chép lại.",
        "Damaged or incomplete file (copy error?). Copy it again.",
    ),
    (
        "ZIP_LIMITS_EXCEEDED",
        REJECT,
        1,
        "Tệp có cấu trúc bất thường (dung lượng giải nén quá lớn). Đã từ chối để bảo vệ máy.",
        "Abnormal structure (uncompressed size too large); refused.",
    ),
    ("UNSAFE_ENTRY_NAME", REJECT, 1, "Tệp chứa đường dẫn không hợp lệ.", "Invalid path inside the file."),
    (
        "UNEXPECTED_PART",
        WARN,
        1,
        "Tệp chứa thành phần lạ (liên kết ngoài/đối tượng nhúng); đã bỏ qua.",
        "Foreign parts (links/embedded objects) ignored.",
    ),
    (
        "XML_FORBIDDEN",
        REJECT,
        2,
        "Tệp chứa cấu trúc XML không được phép. Đã từ chối.",
        "Forbidden XML constructs; refused.",
    ),
    ("MALFORMED_WORKBOOK", REJECT, 2, "Không đọc được bảng tính.", "The workbook cannot be read."),
    (
        "MANIFEST_MISSING",
        REJECT,
        3,
        "Không tìm thấy thông tin gói đã ký. Tệp không phải gói dữ liệu của phần mềm.",
        "No signed bundle information; not a bundle.",
    ),
    ("MANIFEST_MALFORMED", REJECT, 3, "Thông tin gói bị lỗi.", "Bundle information malformed."),
    (
        "UNSUPPORTED_FORMAT",
        REJECT,
        3,
        "Định dạng gói phiên bản {v} chưa được hỗ trợ. Hãy cập nhật phần mềm.",
        "Bundle format {v} unsupported. Update the app.",
    ),
    (
        "SCHEMA_TOO_NEW",
        REJECT,
        3,
        "Gói dùng mẫu dữ liệu {v} mới hơn phần mềm tỉnh. Hãy cập nhật phần mềm tỉnh.",
        "Data template {v} is newer than this app. Update it.",
    ),
    (
        "SCHEMA_RETIRED",
        REJECT,
        3,
        "Mẫu dữ liệu {v} đã ngừng sử dụng. Đề nghị xã cập nhật phần mềm và xuất lại.",
        "Template {v} retired. Ask the commune to update and re-export.",
    ),
    (
        "WRONG_RECIPIENT",
        REJECT,
        4,
        "Gói này gửi cho Hội CTĐ tỉnh {p}, không phải tỉnh này.",
        "Addressed to province {p}, not this one.",
    ),
    (
        "UNKNOWN_BRANCH",
        QUARANTINE,
        4,
        "Mã đơn vị {b} không có trong danh sách của tỉnh.",
        "Branch {b} is not in the province list.",
    ),
    (
        "KEY_BRANCH_MISMATCH",
        REJECT,
        5,
        "Khóa ký thuộc đơn vị {a} nhưng gói ghi đơn vị {b}.",
        "Key belongs to {a}; bundle claims {b}.",
    ),
    (
        "KEY_REVOKED",
        REJECT,
        5,
        "Khóa ký đã bị thu hồi ngày {d}. Đề nghị xã xuất lại bằng khóa mới.",
        "Key revoked on {d}. Ask for a re-export with the new key.",
    ),
    ("KEY_RETIRED", REJECT, 5, "Khóa cũ đã được thay từ gói số {n}.", "Old key replaced from bundle {n}."),
    (
        "UNKNOWN_KEY",
        QUARANTINE,
        5,
        "Khóa ký {key_id} chưa được đăng ký. Hãy đối chiếu mã vân tay với xã trước khi đăng ký.",
        "Key {key_id} not registered. Compare the fingerprint with the commune first.",
    ),
    (
        "SIGNATURE_INVALID",
        REJECT,
        6,
        "Chữ ký không hợp lệ: thông tin gói đã bị sửa sau khi ký hoặc tệp bị giả mạo.",
        "Invalid signature: changed after signing or forged.",
    ),
    (
        "MANIFEST_NOT_CANONICAL",
        REJECT,
        6,
        "Thông tin gói không ở dạng chuẩn.",
        "Bundle information not canonical.",
    ),
    ("SHEET_MISSING", REJECT, 7, "Thiếu trang {sheet}.", "Sheet {sheet} missing."),
    (
        "EXTRA_SHEET",
        WARN,
        7,
        "Trang {sheet} không thuộc gói, đã bỏ qua.",
        "Sheet {sheet} not part of the bundle; ignored.",
    ),
    (
        "HEADER_MISMATCH",
        REJECT,
        7,
        "Tiêu đề cột trang {sheet} đã bị thay đổi.",
        "Headers of {sheet} changed.",
    ),
    (
        "UNEXPECTED_COLUMN",
        REJECT,
        7,
        "Trang {sheet} có dữ liệu ngoài các cột quy định (cột {col}).",
        "{sheet} has data outside the columns ({col}).",
    ),
    (
        "FORMULA_NOT_ALLOWED",
        REJECT,
        7,
        "Ô {sheet}!{cell} chứa công thức. Gói dữ liệu không được chứa công thức.",
        "{sheet}!{cell} contains a formula; not allowed.",
    ),
    (
        "CELL_TYPE_INVALID",
        REJECT,
        7,
        "Ô {sheet}!{cell}: giá trị “{v}” không đúng kiểu {type}.",
        "{sheet}!{cell}: “{v}” is not a valid {type}.",
    ),
    (
        "LIMIT_EXCEEDED",
        REJECT,
        7,
        "Trang {sheet} vượt giới hạn ({what}).",
        "{sheet} exceeds a limit ({what}).",
    ),
    (
        "DUPLICATE_RECORD_ID",
        REJECT,
        7,
        "Mã bản ghi {id} bị trùng (dòng {r1}, {r2}).",
        "Record {id} repeated (rows {r1}, {r2}).",
    ),
    ("INDEX_MISMATCH", REJECT, 7, "Bảng chỉ mục đã bị sửa.", "The index was altered."),
    (
        "CONTENT_MISMATCH",
        REJECT,
        7,
        "Dữ liệu đã bị thay đổi sau khi ký: {m} dòng bị sửa, {a} dòng thêm, {d} dòng bị xóa "
        "({sheet}: dòng {rows}). "
        "Mọi chỉnh sửa phải làm trong phần mềm ở xã rồi xuất lại.",
        "Changed after signing: {m} modified, {a} added, {d} deleted ({sheet}: rows {rows}). "
        "Correct in the commune app and re-export.",
    ),
    (
        "COVER_MISMATCH",
        REJECT,
        7,
        "Trang “Thông tin gói” không khớp với thông tin đã ký.",
        "Cover sheet differs from the signed data.",
    ),
    (
        "DECRYPTION_FAILED",
        REJECT,
        7,
        "Không giải mã được dữ liệu cá nhân (sai khóa của tỉnh hoặc dữ liệu hỏng).",
        "Personal data cannot be decrypted (wrong key or corrupt).",
    ),
    (
        "CIPHERTEXT_BINDING_MISMATCH",
        REJECT,
        7,
        "Dữ liệu mã hóa ở ô {sheet}!{cell} không thuộc bản ghi/cột này.",
        "Encrypted value in {sheet}!{cell} belongs elsewhere.",
    ),
    (
        "ALREADY_IMPORTED",
        INFO,
        8,
        "Gói này đã được nhập ngày {d}; không có thay đổi.",
        "Already imported on {d}; nothing changed.",
    ),
    (
        "SEQUENCE_CONFLICT",
        QUARANTINE,
        8,
        "Số thứ tự gói {n} đã dùng cho một gói khác. Có thể máy ở xã đã khôi phục sao lưu hoặc bị sao chép. "
        "Cần xác minh.",
        "Bundle no. {n} already used by another bundle (restored or cloned PC?). Verify.",
    ),
    ("SEQ_JUMP_SUSPICIOUS", QUARANTINE, 8, "Số thứ tự gói tăng bất thường.", "Abnormal bundle number jump."),
    (
        "OLDER_BUNDLE",
        WARN,
        8,
        "Gói số {n} cũ hơn gói đã nhập ({m}); chỉ bản ghi mới hơn được cập nhật.",
        "Bundle {n} older than {m}; only newer records update.",
    ),
    (
        "MISSING_BUNDLES",
        WARN,
        8,
        "Chưa nhận các gói số {a}–{b} (không ảnh hưởng vì mỗi gói chứa đủ dữ liệu các kỳ đang mở).",
        "Bundles {a}–{b} not received (harmless).",
    ),
    ("CLOCK_SKEW", WARN, 8, "Ngày giờ trên máy xã có thể sai.", "Commune PC clock may be wrong."),
    (
        "OWNERSHIP_CONFLICT",
        ROW,
        9,
        "Bản ghi {id} thuộc đơn vị khác.",
        "Record {id} belongs to another branch.",
    ),
    ("PERIOD_INVALID", ROW, 9, "Kỳ {p} không hợp lệ.", "Invalid period {p}."),
    (
        "VERSION_CONFLICT",
        ROW,
        9,
        "Bản ghi {id} phiên bản {v} khác với bản đã nhập.",
        "Record {id} v{v} differs from the stored one.",
    ),
    (
        "PERIOD_LOCKED",
        ROW,
        9,
        "Kỳ {p} đã khóa sổ; cần mở khóa để cập nhật.",
        "Period {p} locked; unlock to update.",
    ),
    (
        "REPORT_MISMATCH",
        WARN,
        9,
        "Báo cáo tháng không khớp số liệu chi tiết ({indicator}).",
        "Report disagrees with records ({indicator}).",
    ),
    (
        "FINGERPRINT_MISMATCH",
        REJECT,
        None,
        "Mã vân tay không khớp với tệp khóa; chưa đăng ký. Hãy gọi xã theo số trong danh bạ của tỉnh.",
        "Fingerprint does not match the key file; not registered. "
        "Call the commune on the province's own number.",
    ),
    (
        "KEY_CHANGED",
        CONFIRM,
        None,
        "Đơn vị {b} đang có khóa {key_id}. Chỉ đăng ký khóa mới sau khi đã xác minh với xã.",
        "Branch {b} already has key {key_id}. Register a new key only after verifying with the commune.",
    ),
)

# Stage-7 checks run over every sheet, but their findings are reported in this (the table's) order,
# so the first REJECT in table order is the result whichever sheet it was found in.
STAGE7_ORDER = (
    "SHEET_MISSING",
    "EXTRA_SHEET",
    "HEADER_MISMATCH",
    "UNEXPECTED_COLUMN",
    "FORMULA_NOT_ALLOWED",
    "CELL_TYPE_INVALID",
    "LIMIT_EXCEEDED",
    "DUPLICATE_RECORD_ID",
    "INDEX_MISMATCH",
    "CONTENT_MISMATCH",
    "COVER_MISMATCH",
)
