"""VietQR payloads match the published vectors, carry a correct CRC and decode back from the PNG."""

import io

import pytest
import zxingcpp
from PIL import Image, ImageOps

from marketplace.payments.vietqr import clean_purpose, crc16_ccitt_false, parse_tlv, qr_png, vietqr_payload

# subiz/vietqr vietqr_test.go (ExampleString and TestQR), cited in the payments reference, section 4.
FLOOD_RELIEF = ("00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
                "530370454061200005802VN62170813ung ho lu lut6304C15C")
STATIC_NO_PURPOSE = ("00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA"
                     "53037045802VN6304CBB4")


def bitwise_crc16_ccitt_false(data: bytes) -> str:
    """CRC-16/CCITT-FALSE bit by bit, independent of binascii."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return f"{crc:04X}"


@pytest.mark.parametrize("purpose", ["ủng hộ lũ lụt", "ung ho lu lut"])
def test_the_published_example(purpose):
    payload = vietqr_payload(bank_bin="970415", account_number="0011001932418", amount_vnd=120_000, purpose=purpose)
    assert payload == FLOOD_RELIEF


@pytest.mark.parametrize(("account", "purpose", "expected"), [
    ("0023457923442", "test text string",
     "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
     "53037045405401235802VN62200816test text string6304D9C6"),
    ("0023457923442", "chuyển khoản",
     "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA"
     "53037045405401235802VN62160812chuyen khoan6304722F"),
    # 19 characters of account (the most NAPAS allows) and a purpose cut to 25.
    ("0023457923442ASDFLJ",
     "chuyen khoan alsdkf laksjdflk asjdflja slkdalks djflkasjd fajsldk jalskdfj lkasjdflk ajslkfj l",
     "00020101021238630010A0000007270133000697042201190023457923442ASDFLJ0208QRIBFTTA"
     "53037045405401235802VN62290825chuyen khoan alsdkf laksj6304E5DB"),
])
def test_the_reference_test_vectors(account, purpose, expected):
    assert vietqr_payload(bank_bin="970422", account_number=account, amount_vnd=40123, purpose=purpose) == expected


def test_a_static_code_has_no_amount_and_matches_the_static_vector_but_for_the_purpose():
    """The published static vector has no field 62; ours always carries a purpose, so it is added here."""
    assert crc16_ccitt_false(STATIC_NO_PURPOSE[:-4]) == "CBB4"
    payload = vietqr_payload(bank_bin="970423", account_number="0099999999", amount_vnd=None, purpose="Ung ho")
    body = STATIC_NO_PURPOSE[:-len("6304CBB4")] + "62100806Ung ho" + "6304"
    assert payload == body + bitwise_crc16_ccitt_false(body.encode())
    fields = parse_tlv(payload)
    assert fields["01"] == "11"
    assert "54" not in fields


def test_the_crc_check_value():
    assert crc16_ccitt_false("123456789") == "29B1"
    assert bitwise_crc16_ccitt_false(b"123456789") == "29B1"


def test_another_bank_passes_an_independent_crc_and_has_every_field_in_place():
    payload = vietqr_payload(bank_bin="970436", account_number="1012345678", amount_vnd=350_000,
                             purpose="CQ-7K3F9A Tôm khô Đất Mũi")
    assert payload[-8:-4] == "6304"
    assert payload[-4:] == bitwise_crc16_ccitt_false(payload[:-4].encode())
    assert list(parse_tlv(payload).items()) == [
        ("00", "01"),
        ("01", "12"),
        ("38", {"00": "A000000727", "01": {"00": "970436", "01": "1012345678"}, "02": "QRIBFTTA"}),
        ("53", "704"),
        ("54", "350000"),
        ("58", "VN"),
        ("62", {"08": "CQ-7K3F9A Tom kho Dat Mui"}),
        ("63", payload[-4:]),
    ]


@pytest.mark.parametrize(("purpose", "memo"), [
    ("CQ-7K3F9A Tôm khô Đất Mũi", "CQ-7K3F9A Tom kho Dat Mui"),
    ("  Đơn\thàng:  CQ-12!! ", "Don hang CQ-12"),
    ("CQ-1 Nước mắm Phú Quốc loại đặc biệt", "CQ-1 Nuoc mam Phu Quoc lo"),
    ("CQ-1 Nước mắm Phú Quốc  x", "CQ-1 Nuoc mam Phu Quoc x"),
    ("CQ-1 Nước mắm Phú Quốc l ạ", "CQ-1 Nuoc mam Phu Quoc l"),  # cut lands after a space: no trailing blank
])
def test_the_purpose_is_folded_cleaned_and_cut_to_25(purpose, memo):
    assert clean_purpose(purpose) == memo
    assert len(memo) <= 25


def test_the_png_decodes_back_to_the_payload_with_level_m_and_a_4_module_quiet_zone():
    payload = vietqr_payload(bank_bin="970436", account_number="1012345678", amount_vnd=350_000,
                             purpose="CQ-7K3F9A Tôm khô Đất Mũi")
    image = Image.open(io.BytesIO(qr_png(payload, scale=8)))
    assert image.format == "PNG"
    [barcode] = zxingcpp.read_barcodes(image)
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    assert barcode.text == payload
    assert barcode.ec_level == "M"
    width, height = image.size
    dark_box = ImageOps.invert(image.convert("L")).getbbox()
    assert dark_box == (4 * 8, 4 * 8, width - 4 * 8, height - 4 * 8)


def test_the_published_example_png_decodes_at_a_small_scale():
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(FLOOD_RELIEF, scale=3))))
    assert barcode.text == FLOOD_RELIEF


@pytest.mark.parametrize("scale", [0, -1, 2.5, True])
def test_a_bad_scale_is_refused(scale):
    with pytest.raises(ValueError, match="scale"):
        qr_png(FLOOD_RELIEF, scale=scale)


GOOD = {"bank_bin": "970436", "account_number": "1012345678", "amount_vnd": 350_000, "purpose": "CQ-7K3F9A"}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("bank_bin", "97041", "6-digit"),
    ("bank_bin", "97041a", "6-digit"),
    ("bank_bin", "9704150", "6-digit"),
    ("bank_bin", "９７０４１５", "6-digit"),  # full-width digits are not ASCII digits
    ("bank_bin", 970415, "6-digit"),
    ("account_number", "", "1 to 19"),
    ("account_number", "1" * 20, "1 to 19"),
    ("account_number", "0011 0019", "1 to 19"),
    ("account_number", "abc123", "uppercase"),
    ("amount_vnd", 0, "amount_vnd"),
    ("amount_vnd", -5, "amount_vnd"),
    ("amount_vnd", 10**14, "amount_vnd"),
    ("amount_vnd", 10**13, "amount_vnd"),
    ("amount_vnd", 1.5, "amount_vnd"),
    ("amount_vnd", "120000", "amount_vnd"),
    ("amount_vnd", True, "amount_vnd"),
    ("purpose", "!!!", "purpose"),
    ("purpose", "", "purpose"),
    ("purpose", " \t ", "purpose"),
    ("purpose", "#@$ ~~", "purpose"),
    ("purpose", None, "purpose"),
])
def test_bad_inputs_are_refused_with_a_clear_error(field, value, message):
    with pytest.raises(ValueError, match=message):
        vietqr_payload(**{**GOOD, field: value})


def test_the_largest_amount_fits():
    payload = vietqr_payload(**{**GOOD, "amount_vnd": 10**13 - 1})
    assert parse_tlv(payload)["54"] == "9" * 13


@pytest.mark.parametrize("text", ["0002", "000201012", "000201000201", "00020100020x", "38040001"])
def test_parse_tlv_refuses_a_broken_payload(text):
    with pytest.raises(ValueError):
        parse_tlv(text)
