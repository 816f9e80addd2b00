"""Writing an admin's decision to the log, and reading the log back in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..queries import paginate
from .models import AuditEntry

if TYPE_CHECKING:
    from ..accounts.models import User


def record_decision(actor: User, action: str, subject_type: str, subject_id: int, *,
                    reason: str | None = None, **details) -> AuditEntry:
    """Log an admin's decision in the caller's transaction, so a rolled-back decision leaves no entry."""
    entry = AuditEntry(actor_id=actor.id, action=action, subject_type=subject_type, subject_id=subject_id,
                       reason=reason, details=details)
    db.session.add(entry)
    db.session.flush()
    return entry


def action_labels() -> dict[str, str]:
    """What each logged decision was, in words an operator reads (the log keeps the stable code); each names
    its subject, so the page shows "Ẩn gian hàng #7"."""
    return {
        "ocop.approve": _("Duyệt hồ sơ OCOP"), "ocop.reject": _("Từ chối hồ sơ OCOP"),
        "shop.verify": _("Xác minh gian hàng"), "shop.unverify": _("Bỏ xác minh gian hàng"),
        "shop.hide": _("Ẩn gian hàng"), "shop.unhide": _("Cho hiện lại gian hàng"),
        "product.hide": _("Ẩn sản phẩm"), "product.unhide": _("Cho hiện lại sản phẩm"),
        "category.add": _("Thêm danh mục"), "category.rename": _("Sửa danh mục"),
        "category.move": _("Chuyển nhóm danh mục"), "category.reorder": _("Đổi thứ tự danh mục"),
        "category.delete": _("Xoá danh mục"),
        "user.grant_admin": _("Cho làm quản trị"), "user.revoke_admin": _("Bỏ quyền quản trị"),
        "user.disable": _("Khoá tài khoản"), "user.enable": _("Mở khoá tài khoản"),
        "order.refund": _("Hoàn tiền đơn hàng"),
        "order.payment_received": _("Ghi nhận đã nhận chuyển khoản cho đơn hàng"),
    }


def audit_entries(*, subject_type: str | None = None, subject_id: int | None = None,
                  page: int = 1, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    query = select(AuditEntry)
    if subject_type:
        query = query.where(AuditEntry.subject_type == subject_type)
    if subject_id:
        query = query.where(AuditEntry.subject_id == subject_id)
    return paginate(query, page, per_page, AuditEntry.created_at.desc(), AuditEntry.id.desc())
