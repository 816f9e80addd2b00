"""Admin pages under /admin. Every route here is admin-only, checked on the server."""

from functools import wraps

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ..web import page_arg
from . import services

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50


def admin_required(view):
    """Signed in (else the login page) and an admin (else 403, whatever the URL)."""
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        services.require_admin(current_user)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/")
@admin_required
def index():
    return render_template("admin/index.html")


@bp.get("/audit")
@admin_required
def audit():
    page = page_arg()
    entries, total = services.audit_entries(page=page, per_page=PER_PAGE)
    return render_template("admin/audit.html", entries=entries, total=total, page=page, per_page=PER_PAGE)
