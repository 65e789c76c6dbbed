# SPDX-License-Identifier: MIT
"""Vietnamese conventions (domain.md §5): core/vn.py."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redcross_desktop.core.vn import (
    CCCD_PROVINCE_CODES,
    IdCheck,
    PhoneCheck,
    amount_in_words,
    collation_key,
    date_line,
    fold,
    format_date,
    format_vnd,
    mask_cccd,
    name_sort_key,
    normalize_phone,
    normalize_text,
    parse_date,
    parse_vnd,
    split_name,
    validate_cccd,
    validate_phone,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------------------------------
# normalize_text, fold, split_name
# --------------------------------------------------------------------------------------------------


def test_normalize_text_none_and_blank() -> None:
    assert normalize_text(None) == ""
    assert normalize_text("   \t ") == ""


def test_normalize_text_nfc_lines_and_spaces() -> None:
    raw = nfd("  Nguyễn \t  Văn\u00a0 An \r\nDòng  hai\rba  ")
    assert normalize_text(raw) == "Nguyễn Văn An\nDòng hai\nba"
    assert normalize_text(raw) == nfc(normalize_text(raw))


def test_normalize_text_drops_bom() -> None:
    assert normalize_text("\ufeffHà Nội") == "Hà Nội"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("ĐẶNG THỊ NGỌC ẬU", "dang thi ngoc au"),
        ("  Trần   Thị\tBích  ", "tran thi bich"),
        ("Phạm Ngọc Ẩn Ở Ễ", "pham ngoc an o e"),
        ("Lưu Ưng Ơn", "luu ung on"),
        (None, ""),
        ("", ""),
    ],
)
def test_fold(text: str | None, expected: str) -> None:
    assert fold(text) == expected


def test_fold_nfd_input_matches_nfc() -> None:
    name = "Nguyễn Thị Ngọc Ẩn Đặng Hoà Thuỷ"
    assert fold(nfd(name)) == fold(nfc(name)) == "nguyen thi ngoc an dang hoa thuy"


def test_fold_tone_placement_variants() -> None:
    assert fold("hoà") == fold("hòa") == "hoa"
    assert fold("Thuỷ") == fold("Thủy") == "thuy"
    assert fold("khoẻ") == fold("khỏe")


@given(st.text())
def test_fold_properties(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert not any("\u0300" <= ch <= "\u036f" for ch in folded)
    assert "đ" not in folded and "Đ" not in folded
    assert folded == folded.strip()
    assert "  " not in folded
    assert fold(nfd(text)) == fold(nfc(text))


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Nguyễn Văn An", ("Nguyễn", "Văn", "An")),
        ("Tôn Nữ Thị Ngọc Hà", ("Tôn", "Nữ Thị Ngọc", "Hà")),
        ("Lê Bình", ("Lê", "", "Bình")),
        ("Bình", ("", "", "Bình")),
        ("  Trần   Văn  Bình ", ("Trần", "Văn", "Bình")),
        ("", ("", "", "")),
    ],
)
def test_split_name(full: str, expected: tuple[str, str, str]) -> None:
    assert split_name(full) == expected


def test_split_name_normalizes_to_nfc() -> None:
    assert split_name(nfd("Nguyễn Văn Đức")) == ("Nguyễn", "Văn", "Đức")


# --------------------------------------------------------------------------------------------------
# Collation
# --------------------------------------------------------------------------------------------------


def by_name(names: list[str]) -> list[str]:
    return sorted(names, key=lambda n: name_sort_key(*split_name(n)))


def by_text(words: list[str]) -> list[str]:
    return sorted(words, key=collation_key)


def test_administrative_name_order() -> None:
    names = ["Trần Văn Bình", "Lê Thị Bình", "Nguyễn Văn An"]
    assert by_name(names) == ["Nguyễn Văn An", "Lê Thị Bình", "Trần Văn Bình"]


def test_name_order_then_dem() -> None:
    names = ["Lê Văn Bình", "Lê Bình", "Lê Thị Bình", "Lê Thị Ngọc Bình"]
    assert by_name(names) == ["Lê Bình", "Lê Thị Bình", "Lê Thị Ngọc Bình", "Lê Văn Bình"]


@pytest.mark.parametrize(
    "ordered",
    [
        ["a", "ă", "â", "b"],
        ["an", "ăn", "ân"],
        ["d", "đ", "e", "ê", "g"],
        ["o", "ô", "ơ", "p"],
        ["u", "ư", "v"],
        ["Dũng", "Duy", "Đức"],
        ["Dung", "Đức"],
        ["ez", "êa"],
        ["f", "g", "i", "j", "k", "w", "x", "y", "z"],
        ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"],
        ["Bác", "Bạc"],
        ["Bà", "Bac"],
        ["Bá", "Bàc"],
        ["An", "Anh"],
        ["An", "Án", "Ăn"],
        ["an", "An", "án"],
        ["Thu", "Thu Hà", "Thư"],
        ["9", "a"],
        ["Gạo 5kg", "Gạo tẻ", "Mì tôm"],
    ],
)
def test_collation_order(ordered: list[str]) -> None:
    shuffled = list(reversed(ordered))
    assert by_text(shuffled) == ordered


def test_tones_secondary_ignored_until_primary_tie() -> None:
    assert by_text(["Bá", "Bà", "Ba"]) == ["Ba", "Bà", "Bá"]
    # The tone of tên only matters once họ and đệm also tie at the primary level.
    assert by_name(["Trần Bà", "Lê Ba"]) == ["Lê Ba", "Trần Bà"]
    assert by_name(["Lê Bá", "Lê Bà"]) == ["Lê Bà", "Lê Bá"]


def test_case_is_tertiary() -> None:
    assert collation_key("an") < collation_key("An") < collation_key("án") < collation_key("Bà")


def test_letters_with_two_marks_collate_as_letter_plus_tone() -> None:
    # ậ is â with nặng: after every â with a lighter tone, before b.
    assert by_text(["b", "ậ", "ấ", "â", "ă", "ặ", "a", "ạ"]) == ["a", "ạ", "ă", "ặ", "â", "ấ", "ậ", "b"]
    assert by_text(["ở", "ơ", "ô", "ộ"]) == ["ô", "ộ", "ơ", "ở"]


def test_collation_ignores_normalization_form() -> None:
    name = "Nguyễn Thị Ngọc Ẩn"
    assert collation_key(nfd(name)) == collation_key(nfc(name))
    assert name_sort_key(*split_name(nfd(name))) == name_sort_key(*split_name(name))


def test_collation_key_is_ascii_and_stable() -> None:
    key = name_sort_key("Nguyễn", "Văn", "Đức")
    assert key.isascii() and key.isprintable()
    assert key == name_sort_key("Nguyễn", "Văn", "Đức")


def test_other_scripts_and_symbols_are_ordered_and_ascii() -> None:
    words = ["Zoë", "Zoe", "-x", "Ωmega", "ø", "ab"]
    keys = [collation_key(w) for w in words]
    assert all(k.isascii() for k in keys)
    assert len(set(keys)) == len(keys)
    ordered = by_text(words)
    assert ordered[0] == "-x"
    assert ordered.index("Zoe") < ordered.index("Zoë")
    assert ordered.index("ab") < ordered.index("Zoe") < ordered.index("Ωmega")


NAMES = [
    "Nguyễn Văn An",
    "Lê Thị Bình",
    "Trần Văn Bình",
    "Đặng Thị Ngọc Ẩn",
    "Phạm Hoà",
    "Phạm Hòa",
    "Vũ Thuỷ",
    "Vũ Thủy",
    "Hồ Ánh",
    "Hồ Anh",
    "Ngô Ân",
    "Bùi Ơn",
]


def test_name_keys_sort_the_same_as_utf8_bytes() -> None:
    keys = [name_sort_key(*split_name(n)) for n in NAMES]
    assert sorted(keys) == sorted(keys, key=lambda k: k.encode("utf-8"))


@given(st.lists(st.text(), max_size=8))
def test_collation_keys_sort_the_same_as_utf8_bytes(texts: list[str]) -> None:
    keys = [collation_key(t) for t in texts]
    assert all(k.isascii() for k in keys)
    assert sorted(keys) == sorted(keys, key=lambda k: k.encode("utf-8"))


@given(st.lists(st.text(alphabet="abcfjwxyz ", max_size=6), max_size=8))
def test_plain_latin_collates_alphabetically(texts: list[str]) -> None:
    cleaned = [" ".join(t.split()) for t in texts]
    assert by_text(cleaned) == sorted(cleaned)


@given(st.text())
def test_collation_key_nfd_nfc_agree(text: str) -> None:
    assert collation_key(nfd(text)) == collation_key(nfc(text))


# --------------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(1250000, "1.250.000 đ"), (0, "0 đ"), (-1000, "-1.000 đ"), (999, "999 đ"), (1000, "1.000 đ")],
)
def test_format_vnd(amount: int, expected: str) -> None:
    assert format_vnd(amount) == expected


def test_format_vnd_without_suffix() -> None:
    assert format_vnd(1250000, suffix=False) == "1.250.000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.000.000", 1_000_000),
        ("1,000,000", 1_000_000),
        ("1000000", 1_000_000),
        ("1.000.000 đ", 1_000_000),
        ("1.000.000đ", 1_000_000),
        ("1.000.000 VNĐ", 1_000_000),
        ("1.000.000 đồng", 1_000_000),
        ("1.000", 1_000),
        ("500k", 500_000),
        ("500K", 500_000),
        ("1tr", 1_000_000),
        ("1,5tr", 1_500_000),
        ("2 tỷ", 2_000_000_000),
        ("2ty", 2_000_000_000),
        ("2 tỉ", 2_000_000_000),
        ("1.5 triệu", 1_500_000),
        ("1tr5", 1_500_000),
        ("2 tỷ 500 triệu", 2_500_000_000),
        ("1 nghìn tỷ", 1_000_000_000_000),
        ("300 nghìn", 300_000),
        ("1.250 tỷ", 1_250_000_000_000),
        ("1.000.000,00", 1_000_000),
        ("-1.000 đ", -1000),
        ("  0 đ ", 0),
    ],
)
def test_parse_vnd(text: str, expected: int) -> None:
    assert parse_vnd(text) == expected


def test_parse_vnd_nfd_units() -> None:
    assert parse_vnd(nfd("2 tỷ")) == 2_000_000_000


@pytest.mark.parametrize(
    "text",
    ["abc", "", "đ", "1.00.0", "1..000", "k", "1tr2tr", "500k 2tr", "1.000.000.", "1,5", "1.000,5 đ", "12a"],
)
def test_parse_vnd_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"[Ss]ố tiền"):
        parse_vnd(text)


def test_parse_vnd_fraction_of_dong_message() -> None:
    with pytest.raises(ValueError, match="đồng chẵn"):
        parse_vnd("1,5")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_vnd_round_trip(amount: int) -> None:
    assert parse_vnd(format_vnd(amount)) == amount
    assert parse_vnd(format_vnd(amount, suffix=False)) == amount


# --------------------------------------------------------------------------------------------------
# Amount in words
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (15, "Mười lăm"),
        (14, "Mười bốn"),
        (21, "Hai mươi mốt"),
        (24, "Hai mươi tư"),
        (25, "Hai mươi lăm"),
        (105, "Một trăm linh năm"),
        (1005, "Một nghìn không trăm linh năm"),
        (115000, "Một trăm mười lăm nghìn"),
        (1250000, "Một triệu hai trăm năm mươi nghìn"),
        (2005000, "Hai triệu không trăm linh năm nghìn"),
        (1000500, "Một triệu năm trăm"),
        (1000000000, "Một tỷ"),
        (11, "Mười một"),
        (10, "Mười"),
        (20, "Hai mươi"),
        (101, "Một trăm linh một"),
        (111, "Một trăm mười một"),
        (1000000, "Một triệu"),
        (1_000_000_000_000, "Một nghìn tỷ"),
        (1_000_010, "Một triệu không trăm mười"),
        (1_000_000_005, "Một tỷ không trăm linh năm"),
        (1_005_000_000_000, "Một nghìn không trăm linh năm tỷ"),
        (104, "Một trăm linh bốn"),
        (55_555, "Năm mươi lăm nghìn năm trăm năm mươi lăm"),
    ],
)
def test_amount_in_words(amount: int, words: str) -> None:
    assert amount_in_words(amount) == f"{words} đồng chẵn"


def test_amount_in_words_zero() -> None:
    assert amount_in_words(0) == "Không đồng"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (105, "Một trăm lẻ năm"),
        (1005, "Một ngàn không trăm lẻ năm"),
        (115000, "Một trăm mười lăm ngàn"),
        (2005000, "Hai triệu không trăm lẻ năm ngàn"),
        (24, "Hai mươi tư"),
    ],
)
def test_amount_in_words_southern(amount: int, words: str) -> None:
    assert amount_in_words(amount, southern=True) == f"{words} đồng chẵn"


def test_amount_in_words_bon_setting() -> None:
    assert amount_in_words(24, tu_for_four=False) == "Hai mươi bốn đồng chẵn"
    assert amount_in_words(14, tu_for_four=False) == "Mười bốn đồng chẵn"
    assert amount_in_words(34_000, tu_for_four=False) == "Ba mươi bốn nghìn đồng chẵn"


def test_amount_in_words_negative() -> None:
    with pytest.raises(ValueError):
        amount_in_words(-1)


@given(st.integers(min_value=1, max_value=10**15))
def test_amount_in_words_shape(amount: int) -> None:
    text = amount_in_words(amount)
    assert text.endswith(" đồng chẵn")
    assert text[0].isupper() and text[1:] == text[1:].lower()
    assert "  " not in text
    assert "mươi một" not in text and "mươi năm" not in text and "mười năm" not in text


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------


def test_format_date() -> None:
    assert format_date(date(2026, 3, 5)) == "05/03/2026"
    assert format_date(date(2026, 12, 25)) == "25/12/2026"


@pytest.mark.parametrize(
    "text",
    ["05/03/2026", "5/3/2026", "05-03-2026", "5-3-2026", "05.03.2026", "2026-03-05", " 05/03/2026 "],
)
def test_parse_date(text: str) -> None:
    assert parse_date(text) == date(2026, 3, 5)


@pytest.mark.parametrize(
    "text", ["", "abc", "05/03/26", "05/03-2026", "2026/03/05", "31/02/2026", "00/01/2026"]
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="Ngày"):
        parse_date(text)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_date_round_trip(d: date) -> None:
    assert parse_date(format_date(d)) == d


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 3, 5), "Hà Nội, ngày 05 tháng 3 năm 2026"),
        (date(2026, 1, 15), "Hà Nội, ngày 15 tháng 01 năm 2026"),
        (date(2026, 2, 9), "Hà Nội, ngày 09 tháng 02 năm 2026"),
        (date(2026, 10, 10), "Hà Nội, ngày 10 tháng 10 năm 2026"),
        (date(2026, 12, 31), "Hà Nội, ngày 31 tháng 12 năm 2026"),
    ],
)
def test_date_line(d: date, expected: str) -> None:
    assert date_line("Hà Nội", d) == expected


def test_date_line_without_place() -> None:
    assert date_line("", date(2026, 3, 5)) == "Ngày 05 tháng 3 năm 2026"


# --------------------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084 912-345-678", "0912345678"),
        ("+84 (0) 912.345.678", "0912345678"),
        ("(024) 3812 3456", "02438123456"),
        ("0912 345 678", "0912345678"),
        ("8412345", "8412345"),
    ],
)
def test_normalize_phone(text: str, expected: str) -> None:
    assert normalize_phone(text) == expected


def test_validate_phone_valid() -> None:
    assert validate_phone("+84 912 345 678") == PhoneCheck("0912345678", True, None, None)
    assert validate_phone("02438123456").valid
    assert validate_phone("0386 123 456").valid


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("01662345678", "0362345678"),
        ("01622345678", "0322345678"),
        ("01692345678", "0392345678"),
        ("01202345678", "0702345678"),
        ("01212345678", "0792345678"),
        ("01222345678", "0772345678"),
        ("01262345678", "0762345678"),
        ("01282345678", "0782345678"),
        ("01232345678", "0832345678"),
        ("01242345678", "0842345678"),
        ("01252345678", "0852345678"),
        ("01272345678", "0812345678"),
        ("01292345678", "0822345678"),
        ("01862345678", "0562345678"),
        ("01882345678", "0582345678"),
        ("01992345678", "0592345678"),
    ],
)
def test_validate_phone_old_mobile(old: str, new: str) -> None:
    check = validate_phone(old)
    assert not check.valid
    assert check.suggestion == new
    assert check.message is not None and new in check.message


def test_validate_phone_missing_leading_zero() -> None:
    check = validate_phone("912345678")
    assert not check.valid and check.suggestion == "0912345678"


@pytest.mark.parametrize("text", ["", "0123", "0612345678", "abc", "01302345678", "091234567890"])
def test_validate_phone_invalid(text: str) -> None:
    check = validate_phone(text)
    assert not check.valid
    assert check.suggestion is None
    assert check.message


# --------------------------------------------------------------------------------------------------
# CCCD
# --------------------------------------------------------------------------------------------------


def test_province_codes() -> None:
    assert len(CCCD_PROVINCE_CODES) == 63
    assert {"01", "22", "79", "96"} <= CCCD_PROVINCE_CODES
    assert "03" not in CCCD_PROVINCE_CODES


def test_cccd_valid_male_1990() -> None:
    assert validate_cccd("001090123456", birth_year=1990, sex="M") == IdCheck(
        "001090123456", True, "cccd", (), ()
    )


def test_cccd_valid_female_2001() -> None:
    check = validate_cccd("079301234567", birth_year=2001, sex="F")
    assert check.valid and check.kind == "cccd"
    assert check.errors == () and check.warnings == ()


def test_cccd_spaces_are_ignored() -> None:
    assert validate_cccd(" 001 090 123 456 ").normalized == "001090123456"


def test_cccd_sex_mismatch_only_warns() -> None:
    check = validate_cccd("001190123456", birth_year=1990, sex="M")
    assert check.valid and check.errors == ()
    assert len(check.warnings) == 1 and "giới tính" in check.warnings[0]


def test_cccd_year_mismatch_only_warns() -> None:
    check = validate_cccd("001090123456", birth_year=1991, sex="M")
    assert check.valid
    assert len(check.warnings) == 1 and "1990" in check.warnings[0]


def test_cccd_unknown_province_warns() -> None:
    check = validate_cccd("003090123456")
    assert check.valid and check.kind == "cccd"
    assert len(check.warnings) == 1 and "003" in check.warnings[0]


def test_cccd_bad_century_digit_is_error() -> None:
    check = validate_cccd("001690123456")
    assert not check.valid and check.kind == "cccd"
    assert len(check.errors) == 1


@pytest.mark.parametrize("text", ["00109012345", "0010901234567", "", "00109012345a"])
def test_cccd_wrong_shape_is_error(text: str) -> None:
    check = validate_cccd(text)
    assert not check.valid and check.kind == "" and check.errors


def test_cmnd_accepted_with_warning() -> None:
    check = validate_cccd("123456789")
    assert check.valid and check.kind == "cmnd"
    assert check.errors == () and len(check.warnings) == 1


def test_cccd_rejects_bad_sex_argument() -> None:
    with pytest.raises(ValueError):
        validate_cccd("001090123456", sex="Nam")


def test_mask_cccd() -> None:
    assert mask_cccd("001090123789") == "001******789"
    assert mask_cccd("123456789") == "123***789"
    assert mask_cccd("") == ""
