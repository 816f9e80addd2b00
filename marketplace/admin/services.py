"""Rules shared by every admin decision: only admins decide, and every decision is logged."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts.models import User
from ..errors import PermissionDenied
from ..extensions import db
from .models import AuditEntry


def require_admin(user: User | None) -> User:
    if user is None or not getattr(user, "is_admin", False):
        raise PermissionDenied(_("Chỉ quản trị viên được làm việc này."))
    return user


def record_decision(actor: User, action: str, subject_type: str, subject_id: int, *,
                    reason: str | None = None, **details) -> AuditEntry:
    """Log an admin's decision in the caller's transaction, so a rolled-back decision leaves no entry."""
    entry = AuditEntry(actor_id=actor.id, action=action, subject_type=subject_type, subject_id=subject_id,
                       reason=reason, details=details)
    db.session.add(entry)
    db.session.flush()
    return entry


def audit_entries(*, subject_type: str | None = None, subject_id: int | None = None,
                  page: int = 1, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    query = select(AuditEntry)
    if subject_type:
        query = query.where(AuditEntry.subject_type == subject_type)
    if subject_id:
        query = query.where(AuditEntry.subject_id == subject_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total
