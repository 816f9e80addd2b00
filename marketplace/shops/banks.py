"""Vietnamese banks that take VietQR transfers, with their NAPAS BIN (bank id in the QR)."""

BANKS: dict[str, str] = {
    "970436": "Vietcombank",
    "970415": "VietinBank",
    "970418": "BIDV",
    "970405": "Agribank",
    "970407": "Techcombank",
    "970422": "MB Bank",
    "970416": "ACB",
    "970432": "VPBank",
    "970423": "TPBank",
    "970403": "Sacombank",
    "970437": "HDBank",
    "970441": "VIB",
    "970443": "SHB",
    "970431": "Eximbank",
    "970426": "MSB",
    "970440": "SeABank",
    "970448": "OCB",
    "970449": "LPBank",
    "970428": "Nam A Bank",
    "970409": "Bac A Bank",
    "970425": "ABBANK",
    "970433": "Vietbank",
    "970438": "BaoViet Bank",
    "970412": "PVcomBank",
    "970452": "Kienlongbank",
    "970400": "Saigonbank",
    "970419": "NCB",
    "970427": "VietABank",
    "970430": "PG Bank",
    "970406": "DongA Bank",
    "970408": "GPBank",
    "970414": "MBV (OceanBank)",
    "970446": "Co-opBank",
    "970454": "BVBank (Bản Việt)",
    "970424": "Shinhan Bank",
    "970457": "Woori Bank",
    "970458": "UOB",
    "970439": "Public Bank",
    "970442": "Hong Leong Bank",
    "970410": "Standard Chartered",
    "422589": "CIMB",
}


def bank_choices() -> list[tuple[str, str]]:
    return sorted(((bin_, name) for bin_, name in BANKS.items()), key=lambda item: item[1].lower())


def bank_name(bin_: str | None) -> str:
    return BANKS.get(bin_ or "", bin_ or "")
