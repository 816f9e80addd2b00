"""VietQR: the bank-transfer QR code every Vietnamese banking app scans (NAPAS 24/7, EMVCo MPM).

A buyer who pays by bank transfer scans the code and their app fills in the seller's bank,
account, amount and transfer purpose, so nobody mistypes an account number or the order
code. VietQR is only a pre-filled transfer: no provider stands between the banks, so there
is no callback and no payment id. The seller (or an admin) confirms receipt by hand, by
finding the order code in the purpose (field 62.08) of an incoming transfer on their
statement. That is why the purpose must survive the banks' ASCII-only memo field: it is
folded to letters without diacritics, digits, spaces and hyphens, and kept within 25
characters, with the order code at its start so a cut never loses it.

Layout: TLV fields `ID(2) + LEN(2, decimal) + VALUE`, closed by field 63, a
CRC-16/CCITT-FALSE over the whole string including "6304" (NAPAS VietQR specification,
EMVCo Merchant-Presented Mode).
"""

import binascii
import io
import re

import segno

from marketplace.utils import fold

GUID_NAPAS = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
PURPOSE_MAX_LENGTH = 25
AMOUNT_MAX_VND = 10**13 - 1  # field 54 holds at most 13 characters

_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[0-9A-Z]{1,19}")
_NOT_IN_PURPOSE = re.compile(r"[^A-Za-z0-9 -]")
_BLANKS = re.compile(r"\s+")
_HEADER = re.compile(r"[0-9]{4}")
# Fields whose value is itself a TLV sequence, by their path from the top.
_TEMPLATES = {("38",), ("38", "01"), ("62",)}


def crc16_ccitt_false(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) as the 4 uppercase hex digits of field 63."""
    return f"{binascii.crc_hqx(data.encode(), 0xFFFF):04X}"


def clean_purpose(purpose: str) -> str:
    """'Ủng hộ lũ lụt!' -> 'Ung ho lu lut': the ASCII a bank's transfer memo keeps.

    Letter case is kept so an order code reads as the buyer was shown it.
    """
    ascii_text = "".join(fold(c).upper() if c.isupper() else fold(c) for c in purpose)
    kept = _NOT_IN_PURPOSE.sub("", _BLANKS.sub(" ", ascii_text))
    return " ".join(kept.split())[:PURPOSE_MAX_LENGTH].rstrip()


def vietqr_payload(*, bank_bin: str, account_number: str, amount_vnd: int | None, purpose: str) -> str:
    """The VietQR text for a transfer to an account: dynamic (one-time) with an amount, static without.

    Raises ValueError naming the first input a bank app would reject.
    """
    if not isinstance(bank_bin, str) or not _BIN.fullmatch(bank_bin):
        raise ValueError(f"bank_bin must be the bank's 6-digit NAPAS BIN, got {bank_bin!r}")
    if not isinstance(account_number, str) or not _ACCOUNT.fullmatch(account_number):
        raise ValueError("account_number must be 1 to 19 digits or uppercase letters, "
                         f"got {account_number!r}")
    if amount_vnd is not None and (isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int)
                                   or not 1 <= amount_vnd <= AMOUNT_MAX_VND):
        raise ValueError(f"amount_vnd must be a whole number of đồng from 1 to {AMOUNT_MAX_VND}, got {amount_vnd!r}")
    if not isinstance(purpose, str):
        raise ValueError(f"purpose must be text, got {purpose!r}")
    memo = clean_purpose(purpose)
    if not memo:
        raise ValueError(f"purpose has no letters or digits a bank memo can carry: {purpose!r}")

    beneficiary = _tlv("00", bank_bin) + _tlv("01", account_number)
    merchant_account = _tlv("00", GUID_NAPAS) + _tlv("01", beneficiary) + _tlv("02", SERVICE_TO_ACCOUNT)
    payload = (
        _tlv("00", "01")
        + _tlv("01", "11" if amount_vnd is None else "12")
        + _tlv("38", merchant_account)
        + _tlv("53", CURRENCY_VND)
        + ("" if amount_vnd is None else _tlv("54", str(amount_vnd)))
        + _tlv("58", COUNTRY_VN)
        + _tlv("62", _tlv("08", memo))
        + "6304"
    )
    return payload + crc16_ccitt_false(payload)


def parse_tlv(payload: str) -> dict:
    """{'00': '01', ..., '38': {'00': ..., '01': {'00': BIN, '01': account}, ...}, '62': {'08': ...}, '63': CRC}.

    Only splits the fields (templates 38, 38.01 and 62 nested); it does not check the CRC.
    Raises ValueError on a truncated or repeated field.
    """
    return _parse(payload, ())


def qr_png(payload: str, scale: int = 8) -> bytes:
    """The payload as a QR code PNG: error correction M, a quiet zone of 4 modules, `scale` pixels a module."""
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError(f"scale must be a positive whole number of pixels, got {scale!r}")
    # boost_error=False: segno would otherwise raise the level above M whenever it fits.
    code = segno.make_qr(payload, error="m", boost_error=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def _tlv(field_id: str, value: str) -> str:
    if not 0 < len(value) < 100:
        raise ValueError(f"field {field_id} must hold 1 to 99 characters, got {len(value)}")
    return f"{field_id}{len(value):02d}{value}"


def _parse(text: str, path: tuple[str, ...]) -> dict:
    fields: dict = {}
    position = 0
    while position < len(text):
        head = text[position:position + 4]
        if not _HEADER.fullmatch(head):
            raise ValueError(f"bad field header {head!r} at {'.'.join(path) or 'top'} position {position}")
        field_id, length = head[:2], int(head[2:])
        value = text[position + 4:position + 4 + length]
        if len(value) != length:
            raise ValueError(f"field {'.'.join((*path, field_id))} is cut short")
        if field_id in fields:
            raise ValueError(f"field {'.'.join((*path, field_id))} appears twice")
        sub_path = (*path, field_id)
        fields[field_id] = _parse(value, sub_path) if sub_path in _TEMPLATES else value
        position += 4 + length
    return fields
