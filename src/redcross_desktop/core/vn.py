# SPDX-License-Identifier: MIT
"""Vietnamese conventions (domain.md §5): text normalisation, search folding, name collation,
money and dates, amounts in words, phone numbers and CCCD numbers.

Pure functions on strings, numbers and dates; anything locale-specific to Vietnam that more than one
layer needs belongs here. Qt-free.
"""

# Amounts in words are generated here rather than by num2words (0.5.14, lang="vi"), because measured
# against domain.md §5.3 num2words gets these wrong: it never says "tư" (24 -> "hai mươi bốn"); it
# always says "lẻ" and has no Northern "linh" or Southern "ngàn" option; it drops "không trăm" in inner
# groups (1005 -> "một nghìn lẻ năm", 2005000 -> "hai triệu năm nghìn", 1000010 -> "một triệu lẻ
# mười"); it misreads large scales (10**15 -> "một trăm nghìn tỷ", 1005 * 10**9 -> "một nghìn tỷ năm
# tỷ", 10**18 -> "một Quintillion"); and it formats through "%.2f", so integers above 2**53 lose their
# last digits. Once those are fixed nothing of it would be left, so it is not used.

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

__all__ = [
    "CCCD_PROVINCE_CODES",
    "IdCheck",
    "PhoneCheck",
    "amount_in_words",
    "collation_key",
    "date_line",
    "fold",
    "format_date",
    "format_vnd",
    "mask_cccd",
    "name_sort_key",
    "normalize_phone",
    "normalize_text",
    "parse_date",
    "parse_vnd",
    "split_name",
    "validate_cccd",
    "validate_phone",
]

# --------------------------------------------------------------------------------------------------
# Text normalisation and search folding
# --------------------------------------------------------------------------------------------------

# Pasted text from Word, Excel and web pages brings non-breaking and typographic spaces that look like
# ordinary spaces but break duplicate checks.
_HSPACE_RE = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# Invisible characters that CSV exports (BOM) and web copy (zero-width space) leave inside cells.
_INVISIBLE_RE = re.compile("[\u200b\ufeff]")


def normalize_text(value: str | None) -> str:
    """NFC, LF line ends, single spaces inside lines, no blank padding around lines or the whole text."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE_RE.sub("", text)
    lines = (_HSPACE_RE.sub(" ", line).strip(" ") for line in text.split("\n"))
    return "\n".join(lines).strip()


def _is_vietnamese_mark(ch: str) -> bool:
    return "\u0300" <= ch <= "\u036f"


def fold(value: str | None) -> str:
    """Search key: no diacritics, đ -> d, case-folded, single spaces. "Nguyễn Văn Đức" -> "nguyen van duc"."""
    if not value:
        return ""
    # NFD, casefold, NFD again is Unicode's canonical caseless match (D145): casefolding can itself
    # produce composed characters, and without the first NFD canonically equal inputs could differ.
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFD", value).casefold())
    text = "".join(ch for ch in text if not _is_vietnamese_mark(ch))
    # đ has no decomposition, so dropping marks cannot reach it. ð (from Đ mis-decoded as Latin-1,
    # where CP1258 puts Đ at the same byte as Latin-1 Ð) is folded the same way so such rows are found.
    text = text.replace("đ", "d").replace("ð", "d")
    return " ".join(text.split())


def split_name(full_name: str) -> tuple[str, str, str]:
    """(họ, tên đệm, tên). One word is taken as the tên alone, since that is what lists sort by."""
    words = normalize_text(full_name).split()
    if not words:
        return ("", "", "")
    if len(words) == 1:
        return ("", "", words[0])
    return (words[0], " ".join(words[1:-1]), words[-1])


# --------------------------------------------------------------------------------------------------
# CLDR `vi` collation keys
# --------------------------------------------------------------------------------------------------
#
# A key is printable ASCII so that SQLite's BINARY collation, Python's str ordering and byte ordering of
# the UTF-8 all agree. Layout: primary weights, "!", secondary (tone) weights, "!", tertiary (case)
# weights, and only when some character carries a non-Vietnamese diacritic, "!" and a fourth level for
# those. Each level ends with "!", which is below every weight, so a level that is a prefix of another
# sorts first ("An" < "Anh") and lower levels only ever break ties of all the higher levels.
#
# Primary weights, lowest first:
#   "#"  separator between name parts (below space, so "Tôn" < "Tôn Nữ" as a họ)
#   "%"  a space
#   "&" + 6 hex digits  punctuation and symbols, by code point
#   "0"-"9"  ASCII digits
#   "A"-"Z", "a"-"g"  the 33 letters in Vietnamese order
#   "~" + 6 hex digits  letters of other scripts, by code point
# Every weight is prefix-free, so comparing concatenations compares the weight sequences.
# Each element has exactly one secondary and one tertiary character, so when the primaries are equal the
# lower levels line up element by element.

_LEVEL_SEP = "!"
_PART_SEP = "#"
_SPACE_WEIGHT = "%"

_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_WEIGHTS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg"
_PRIMARY: dict[str, str] = dict(zip(_LETTERS, _LETTER_WEIGHTS, strict=True))
_PRIMARY.update({d: d for d in "0123456789"})
# See fold(): Ð/ð in Vietnamese data is nearly always a mis-decoded Đ/đ.
_PRIMARY["ð"] = _PRIMARY["đ"]

_BREVE = "\u0306"
_CIRCUMFLEX = "\u0302"
_HORN = "\u031b"
# Marks that make a separate letter of the alphabet rather than a tone.
_LETTER_MARKS: dict[tuple[str, str], str] = {
    ("a", _BREVE): "ă",
    ("a", _CIRCUMFLEX): "â",
    ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô",
    ("o", _HORN): "ơ",
    ("u", _HORN): "ư",
}
# CLDR vi tailors the tone marks as secondary differences in this order; 0 is "no tone".
_TONE_WEIGHTS: dict[str, str] = {
    "\u0300": "1",  # huyền
    "\u0309": "2",  # hỏi
    "\u0303": "3",  # ngã
    "\u0301": "4",  # sắc
    "\u0323": "5",  # nặng
}


@dataclass(frozen=True)
class _Element:
    primary: str
    secondary: str
    tertiary: str
    extra: str


def _clusters(text: str) -> Iterator[tuple[str, list[str]]]:
    """Split NFD text into (base, combining marks) pairs."""
    base: str | None = None
    marks: list[str] = []
    for ch in text:
        if unicodedata.combining(ch) and base is not None:
            marks.append(ch)
            continue
        if base is not None:
            yield base, marks
        base, marks = ch, []
    if base is not None:
        yield base, marks


def _elements(text: str) -> list[_Element]:
    text = unicodedata.normalize("NFD", " ".join(text.split()))
    elements: list[_Element] = []
    for base, marks in _clusters(text):
        lower = base.lower()
        if len(lower) != 1:
            # Some capitals lower-case to two characters (İ -> i + dot); keep them whole.
            lower = base
        tertiary = "1" if base != lower else "0"
        remaining = list(marks)
        for mark in (_BREVE, _CIRCUMFLEX, _HORN):
            letter = _LETTER_MARKS.get((lower, mark))
            if letter is not None and mark in remaining:
                lower = letter
                remaining.remove(mark)
                break
        secondary = "0"
        for mark in remaining:
            if mark in _TONE_WEIGHTS:
                secondary = _TONE_WEIGHTS[mark]
                remaining.remove(mark)
                break
        if lower in _PRIMARY:
            primary = _PRIMARY[lower]
        elif lower == " ":
            primary = _SPACE_WEIGHT
        elif lower.isalpha():
            primary = f"~{ord(lower):06X}"
        else:
            primary = f"&{ord(lower):06X}"
        extra = "".join(f"{ord(m):06X}" for m in remaining)
        if lower == "ð":
            # Keeps a mis-decoded Đ distinct from a real one, just after it.
            extra += f"{ord('ð'):06X}"
        elements.append(_Element(primary, secondary, tertiary, extra))
    return elements


def _key(parts: list[list[_Element]]) -> str:
    def level(attr: str) -> str:
        return _PART_SEP.join("".join(getattr(e, attr) for e in part) for part in parts)

    key = _LEVEL_SEP.join((level("primary"), level("secondary"), level("tertiary")))
    if any(e.extra for part in parts for e in part):
        # "." ends each element's marks and sorts below the hex digits, so fewer marks sort first.
        key += _LEVEL_SEP + "".join(e.extra + "." for part in parts for e in part)
    return key


def collation_key(text: str) -> str:
    """ASCII sort key following CLDR `vi` collation; compare keys as plain strings or SQLite TEXT."""
    return _key([_elements(unicodedata.normalize("NFC", text))])


def name_sort_key(ho: str, dem: str, ten: str) -> str:
    """Sort key for administrative lists: by tên, then họ, then đệm, in CLDR `vi` collation."""
    return _key([_elements(normalize_text(part)) for part in (ten, ho, dem)])


# --------------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------------


def format_vnd(amount: int, *, suffix: bool = True) -> str:
    """1250000 -> "1.250.000 đ"."""
    digits = f"{abs(amount):,}".replace(",", ".")
    text = f"-{digits}" if amount < 0 else digits
    return f"{text} đ" if suffix else text


_UNIT_WORDS: dict[str, int] = {
    "k": 10**3,
    "nghìn": 10**3,
    "nghin": 10**3,
    "ngàn": 10**3,
    "ngan": 10**3,
    "tr": 10**6,
    "triệu": 10**6,
    "trieu": 10**6,
    "tỷ": 10**9,
    "tỉ": 10**9,
    "ty": 10**9,
    "ti": 10**9,
}
_UNIT_ALT = "|".join(sorted(_UNIT_WORDS, key=len, reverse=True))
_SEGMENT_RE = re.compile(rf"(\d[\d.,]*)((?:{_UNIT_ALT})*)")
_UNIT_RE = re.compile(_UNIT_ALT)
_CURRENCY_RE = re.compile(r"(?:đồng|dong|vnđ|vnd|đ|d|₫)$")


def _parse_number(text: str) -> Fraction | None:
    """A decimal number written with "." or "," as grouping or decimal mark; None if malformed.

    When both marks appear the last one is the decimal mark. A single mark followed by exactly three
    digits groups thousands ("1.000", "1,000", "1.250 tỷ"); otherwise it is a decimal mark ("1,5tr",
    "1.5 triệu"), which accepts both the Vietnamese and the English habit.
    """
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        if text.count(decimal_mark) != 1:
            return None
        whole, frac = text.split(decimal_mark)
        if not re.fullmatch(rf"[1-9]\d{{0,2}}(?:{re.escape(group_mark)}\d{{3}})+", whole):
            return None
        whole = whole.replace(group_mark, "")
    elif dots or commas:
        mark = "." if dots else ","
        whole, _, frac = text.partition(mark)
        if dots + commas > 1:
            if not re.fullmatch(rf"[1-9]\d{{0,2}}(?:{re.escape(mark)}\d{{3}})+", text):
                return None
            whole, frac = text.replace(mark, ""), ""
        elif len(frac) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0":
            whole, frac = whole + frac, ""
        elif not frac:
            return None
    else:
        whole, frac = text, ""
    if not whole.isdigit() or (frac and not frac.isdigit()) or not whole.isascii() or not frac.isascii():
        return None
    return Fraction(f"{whole}.{frac}" if frac else whole)


def parse_vnd(text: str) -> int:
    """Parse an amount typed by a user into whole đồng.

    Accepts "1.000.000", "1,000,000", "1000000", "1.000.000 đ", "500k", "1tr", "1,5tr", "2 tỷ",
    "1.5 triệu", "1 nghìn tỷ", several parts ("2 tỷ 500 triệu") and the spoken shorthand "1tr5"
    (= 1,5 triệu).
    """
    garbage = (
        f'Không hiểu số tiền "{text}". Hãy nhập số đồng, ví dụ 1.000.000, 1,000,000, 500k, 1,5tr hoặc 2 tỷ.'
    )
    compact = "".join(unicodedata.normalize("NFC", text).lower().split())
    compact = compact.replace("\u2212", "-")
    negative = compact.startswith("-")
    if negative:
        compact = compact[1:]
    compact = _CURRENCY_RE.sub("", compact)
    if not compact:
        raise ValueError(garbage)

    segments: list[tuple[str, int | None]] = []
    pos = 0
    while pos < len(compact):
        match = _SEGMENT_RE.match(compact, pos)
        if match is None:
            raise ValueError(garbage)
        number, units = match.groups()
        multiplier: int | None = None
        if units:
            multiplier = 1
            for unit in _UNIT_RE.findall(units):
                multiplier *= _UNIT_WORDS[unit]
        segments.append((number, multiplier))
        pos = match.end()

    total = Fraction(0)
    previous_unit: int | None = None
    for index, (number, multiplier) in enumerate(segments):
        is_last = index == len(segments) - 1
        if multiplier is None:
            if not is_last:
                raise ValueError(garbage)
            if previous_unit is None:
                value = _parse_number(number)
                if value is None:
                    raise ValueError(garbage)
            else:
                # "1tr5" is said "một triệu rưỡi": trailing digits are a fraction of the last unit.
                if not (number.isdigit() and number.isascii()):
                    raise ValueError(garbage)
                value = Fraction(int(number), 10 ** len(number)) * previous_unit
        else:
            parsed = _parse_number(number)
            if parsed is None:
                raise ValueError(garbage)
            value = parsed * multiplier
            if previous_unit is not None and (multiplier >= previous_unit or value >= previous_unit):
                raise ValueError(garbage)
            previous_unit = multiplier
        total += value

    if total.denominator != 1:
        raise ValueError(f'Số tiền "{text}" có phần lẻ dưới 1 đồng. Hãy nhập số đồng chẵn.')
    result = int(total)
    return -result if negative else result


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------


def format_date(d: date) -> str:
    """dd/mm/yyyy."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


_DMY_RE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(text: str) -> date:
    """Accepts dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy and ISO yyyy-mm-dd."""
    stripped = text.strip()
    if match := _DMY_RE.fullmatch(stripped):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _ISO_RE.fullmatch(stripped):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        raise ValueError(
            f'Ngày "{text}" không đúng dạng. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/03/2026.'
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            f'Ngày "{text}" không có trên lịch (ví dụ tháng 2 không có ngày 30). '
            "Hãy kiểm tra lại ngày, tháng."
        ) from None


def date_line(place: str, d: date) -> str:
    """Document date line, "Hà Nội, ngày 05 tháng 3 năm 2026".

    Decree 30/2020 practice pads days below 10 and months 1 and 2, so that "tháng 01"/"tháng 02" cannot
    be altered into "tháng 10"/"tháng 12" by hand; other months are written bare.
    """
    day = f"{d.day:02d}"
    month = f"{d.month:02d}" if d.month in (1, 2) else str(d.month)
    body = f"ngày {day} tháng {month} năm {d.year}"
    place = normalize_text(place)
    # Without a place the line starts the sentence, so it is capitalised instead of leaving ", ngày".
    return f"{place}, {body}" if place else body[0].upper() + body[1:]


# --------------------------------------------------------------------------------------------------
# Amounts in words
# --------------------------------------------------------------------------------------------------

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 10**9


def _group_words(n: int, *, full: bool, linh: str, tu_for_four: bool) -> list[str]:
    """Words for 1 <= n <= 999. `full` means an inner group, which is always read with its hundreds."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(linh)
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGITS[units])
    else:
        words += [_DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 4 and tu_for_four:
            words.append("tư")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    return words


def _number_words(n: int, *, leading: bool, thousand: str, linh: str, tu_for_four: bool) -> list[str]:
    """Words for n >= 1. Above a tỷ the count of tỷ is itself read as a number: "một nghìn tỷ"."""
    if n >= _BILLION:
        high, low = divmod(n, _BILLION)
        words = _number_words(high, leading=leading, thousand=thousand, linh=linh, tu_for_four=tu_for_four)
        words.append("tỷ")
        if low:
            words += _number_words(low, leading=False, thousand=thousand, linh=linh, tu_for_four=tu_for_four)
        return words
    words = []
    first = leading
    for scale, name in ((10**6, "triệu"), (10**3, thousand), (1, "")):
        group = n // scale % 1000
        if not group:
            continue
        words += _group_words(group, full=not first, linh=linh, tu_for_four=tu_for_four)
        if name:
            words.append(name)
        first = False
    return words


def amount_in_words(amount: int, *, southern: bool = False, tu_for_four: bool = True) -> str:
    """The "Bằng chữ" text: 1250000 -> "Một triệu hai trăm năm mươi nghìn đồng chẵn"; 0 -> "Không đồng"."""
    if amount < 0:
        raise ValueError("Số tiền bằng chữ chỉ viết cho số không âm. Hãy kiểm tra lại số tiền.")
    if amount == 0:
        return "Không đồng"
    words = _number_words(
        amount,
        leading=True,
        thousand="ngàn" if southern else "nghìn",
        linh="lẻ" if southern else "linh",
        tu_for_four=tu_for_four,
    )
    text = " ".join(words)
    return f"{text[0].upper()}{text[1:]} đồng chẵn"


# --------------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------------

_PHONE_SEPARATORS_RE = re.compile(r"[\s.\-()]+")
_MOBILE_RE = re.compile(r"0[35789]\d{8}")
_LANDLINE_RE = re.compile(r"02\d{9}")
# The 2018 switch from 11-digit to 10-digit mobiles: old 4-digit prefix -> new 3-digit prefix.
_OLD_MOBILE_PREFIXES: dict[str, str] = {
    **{f"016{i}": f"03{i}" for i in range(2, 10)},  # Viettel
    "0120": "070",  # MobiFone
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",  # VinaPhone
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0186": "056",  # Vietnamobile
    "0188": "058",
    "0199": "059",  # Gmobile
}


@dataclass(frozen=True)
class PhoneCheck:
    normalized: str
    valid: bool
    suggestion: str | None
    message: str | None


def normalize_phone(text: str) -> str:
    """Drop spaces, dots, dashes and parentheses; +84 / 0084 / 84 country prefixes become 0."""
    digits = _PHONE_SEPARATORS_RE.sub("", text)
    for prefix in ("+84", "0084"):
        if digits.startswith(prefix):
            rest = digits[len(prefix) :]
            # "+84 (0) 912 …" keeps the trunk zero after the country code; it must not be doubled.
            return "0" + rest.removeprefix("0")
    if digits.startswith("84") and len(digits) == 11 and digits.isdigit():
        return "0" + digits[2:]
    return digits


def validate_phone(text: str) -> PhoneCheck:
    """Check a Vietnamese phone number; old 11-digit mobiles and a lost leading zero get a suggestion."""
    normalized = normalize_phone(text)
    if not normalized:
        return PhoneCheck(normalized, False, None, "Chưa nhập số điện thoại. Hãy nhập số, ví dụ 0912345678.")
    if _MOBILE_RE.fullmatch(normalized) or _LANDLINE_RE.fullmatch(normalized):
        return PhoneCheck(normalized, True, None, None)
    if normalized.isdigit() and len(normalized) == 11:
        new_prefix = _OLD_MOBILE_PREFIXES.get(normalized[:4])
        if new_prefix is not None:
            suggestion = new_prefix + normalized[-7:]
            return PhoneCheck(
                normalized,
                False,
                suggestion,
                f"{normalized} là số di động 11 số cũ, đã đổi sang 10 số từ năm 2018. "
                f"Số mới là {suggestion}: hãy dùng số mới (nên hỏi lại người đó cho chắc).",
            )
    if normalized.isdigit() and len(normalized) in (9, 10) and not normalized.startswith("0"):
        # Excel drops the leading zero of numbers stored as numbers.
        candidate = "0" + normalized
        if _MOBILE_RE.fullmatch(candidate) or _LANDLINE_RE.fullmatch(candidate):
            return PhoneCheck(
                normalized,
                False,
                candidate,
                f"Số {normalized} thiếu số 0 ở đầu (thường do Excel). Hãy dùng {candidate}.",
            )
    return PhoneCheck(
        normalized,
        False,
        None,
        "Số điện thoại không hợp lệ. Di động có 10 số, bắt đầu bằng 03, 05, 07, 08 hoặc 09; "
        "máy bàn có 11 số, bắt đầu bằng 02. Hãy kiểm tra lại.",
    )


# --------------------------------------------------------------------------------------------------
# CCCD / CMND
# --------------------------------------------------------------------------------------------------

# The 63 pre-2025 province statistics codes; the 2025 merger did not reissue cards, so these stay valid.
CCCD_PROVINCE_CODES: frozenset[str] = frozenset(
    """
    01 02 04 06 08 10 11 12 14 15 17 19 20 22 24 25 26 27 30 31 33 34 35 36 37 38 40 42 44 45 46 48
    49 51 52 54 56 58 60 62 64 66 67 68 70 72 74 75 77 79 80 82 83 84 86 87 89 91 92 93 94 95 96
    """.split()
)

_ID_SEPARATORS_RE = re.compile(r"[\s.\-]+")


@dataclass(frozen=True)
class IdCheck:
    normalized: str
    valid: bool
    kind: str
    errors: tuple[str, ...]
    warnings: tuple[str, ...]


def validate_cccd(number: str, *, birth_year: int | None = None, sex: str | None = None) -> IdCheck:
    """Check a 12-digit CCCD (or accept a legacy 9-digit CMND). `sex` is "M", "F" or None.

    Mismatches with the recorded birth year or sex, and unknown province codes, are warnings: the card
    is the authority and the record may be the one that is wrong.
    """
    if sex is not None and sex not in ("M", "F"):
        raise ValueError(f'sex must be "M", "F" or None, not {sex!r}')
    normalized = _ID_SEPARATORS_RE.sub("", number)
    if not normalized:
        return IdCheck(normalized, False, "", ("Chưa nhập số CCCD. Hãy nhập 12 chữ số trên thẻ.",), ())
    if not (normalized.isdigit() and normalized.isascii()):
        return IdCheck(
            normalized,
            False,
            "",
            ("Số CCCD chỉ gồm chữ số. Hãy nhập đúng 12 chữ số trên thẻ (CMND cũ: 9 chữ số).",),
            (),
        )
    if len(normalized) == 9:
        return IdCheck(
            normalized,
            True,
            "cmnd",
            (),
            ("Đây là số CMND 9 số cũ. Nếu người này đã có thẻ căn cước 12 số, hãy cập nhật số mới.",),
        )
    if len(normalized) != 12:
        return IdCheck(
            normalized,
            False,
            "",
            (
                f"Số CCCD phải có 12 chữ số (CMND cũ: 9 chữ số), số đã nhập có {len(normalized)} chữ số. "
                "Hãy kiểm tra lại trên thẻ.",
            ),
            (),
        )

    errors: list[str] = []
    warnings: list[str] = []
    if normalized[0] != "0" or normalized[1:3] not in CCCD_PROVINCE_CODES:
        warnings.append(
            f"Mã nơi đăng ký khai sinh {normalized[:3]} không thuộc 63 tỉnh, thành phố. "
            "Có thể người này đăng ký khai sinh ở nước ngoài; nếu không, hãy kiểm tra lại số."
        )
    century_sex = int(normalized[3])
    if century_sex > 5:
        errors.append(
            f"Chữ số thứ 4 của số CCCD phải từ 0 đến 5 (thế kỷ và giới tính), không thể là {century_sex}. "
            "Hãy kiểm tra lại số trên thẻ."
        )
    else:
        card_year = 1900 + 100 * (century_sex // 2) + int(normalized[4:6])
        card_sex = "F" if century_sex % 2 else "M"
        if birth_year is not None and birth_year != card_year:
            warnings.append(
                f"Số CCCD cho năm sinh {card_year}, hồ sơ ghi {birth_year}. "
                "Hãy kiểm tra lại năm sinh hoặc số CCCD."
            )
        if sex is not None and sex != card_sex:
            card_label = "nữ" if card_sex == "F" else "nam"
            record_label = "nữ" if sex == "F" else "nam"
            warnings.append(
                f"Số CCCD cho giới tính {card_label}, hồ sơ ghi {record_label}. "
                "Hãy kiểm tra lại giới tính hoặc số CCCD."
            )
    return IdCheck(normalized, not errors, "cccd", tuple(errors), tuple(warnings))


def mask_cccd(number: str) -> str:
    """Keep the first and last three digits for printouts and public lists: "001******789"."""
    normalized = _ID_SEPARATORS_RE.sub("", number)
    if len(normalized) <= 6:
        return "*" * len(normalized)
    return normalized[:3] + "*" * (len(normalized) - 6) + normalized[-3:]
