"""The category tree, as admins shape it: two levels (OCOP groups, then kinds of goods).

Browsing and search read a category with its children only (catalog.services), so a category
with children stays at the top, and a new or moved child takes its parent's OCOP group.
"""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..audit.services import record_decision
from ..catalog.models import Category, Product
from ..errors import Conflict, DomainError, NotFound
from ..extensions import db
from ..permissions import require_admin
from ..queries import get_by_id
from ..search.sync import queue_products
from ..shops.services import unique_slug
from ..utils import clean_text

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def tree() -> list[Category]:
    return list(db.session.scalars(
        select(Category).where(Category.parent_id.is_(None))
        .options(selectinload(Category.children)).order_by(Category.position, Category.id)))


def product_counts() -> dict[int, int]:
    """Products in each category, deleted ones included: their rows still point at it."""
    return dict(db.session.execute(select(Product.category_id, func.count()).group_by(Product.category_id)).all())


def get_category(category_id) -> Category:
    category = get_by_id(Category, category_id)
    if category is None:
        raise NotFound(_("Không tìm thấy danh mục."))
    return category


def _clean_name(value, field: str) -> str:
    name = clean_text(value)
    if len(name) < 2:
        raise DomainError(_("Tên danh mục cần ít nhất 2 ký tự."), field)
    if len(name) > 100:
        raise DomainError(_("Tên danh mục tối đa 100 ký tự."), field)
    return name


def _clean_slug(value, exclude_id: int | None) -> str | None:
    slug = (value or "").strip().lower()
    if not slug:
        return None
    if not SLUG_RE.match(slug) or not 2 <= len(slug) <= 80:
        raise DomainError(_("Đường dẫn chỉ gồm chữ thường không dấu, số và dấu gạch ngang (2-80 ký tự)."), "slug")
    taken = select(Category.id).where(Category.slug == slug)
    if exclude_id is not None:
        taken = taken.where(Category.id != exclude_id)
    if db.session.scalar(taken) is not None:
        raise Conflict(_("Đường dẫn “%(slug)s” đã có danh mục khác dùng.", slug=slug), "slug")
    return slug


def _clean_parent(value, category: Category | None) -> Category | None:
    if value in (None, "", 0, "0"):
        return None
    parent = get_by_id(Category, value)
    if parent is None:
        raise DomainError(_("Không tìm thấy danh mục cha."), "parent_id")
    if parent.parent_id is not None:
        raise DomainError(_("Chỉ đặt được dưới một danh mục cấp trên cùng."), "parent_id")
    if category is not None:
        if parent.id == category.id:
            raise DomainError(_("Danh mục không thể nằm dưới chính nó."), "parent_id")
        if category.children:
            raise DomainError(_("Danh mục “%(name)s” còn danh mục con nên phải ở cấp trên cùng.",
                                name=category.name), "parent_id")
    return parent


def _next_position(parent: Category | None) -> int:
    last = db.session.scalar(select(func.max(Category.position)).where(
        Category.parent_id == parent.id if parent else Category.parent_id.is_(None)))
    return 0 if last is None else last + 1


def add_category(actor: User, *, name, name_en, slug=None, parent_id=None) -> Category:
    require_admin(actor)
    name, name_en = _clean_name(name, "name"), _clean_name(name_en, "name_en")
    parent = _clean_parent(parent_id, None)
    slug = _clean_slug(slug, None) or unique_slug(Category, name)
    category = Category(name=name, name_en=name_en, slug=slug, parent=parent,
                        ocop_group=parent.ocop_group if parent else None, position=_next_position(parent))
    db.session.add(category)
    db.session.flush()
    record_decision(actor, "category.add", "category", category.id, name=name, name_en=name_en, slug=slug,
                    parent_id=parent.id if parent else None)
    return category


def update_category(category: Category, actor: User, *, name, name_en, slug=None, parent_id=None) -> Category:
    """Rename (both languages), change the slug, or move under another parent (or to the top)."""
    require_admin(actor)
    name, name_en = _clean_name(name, "name"), _clean_name(name_en, "name_en")
    slug = _clean_slug(slug, category.id) or category.slug
    parent = _clean_parent(parent_id, category)
    changes = {}
    for key, old, new in (("name", category.name, name), ("name_en", category.name_en, name_en),
                          ("slug", category.slug, slug),
                          ("parent_id", category.parent_id, parent.id if parent else None)):
        if old != new:
            changes[key] = [old, new]
    if not changes:
        return category
    if "parent_id" in changes:
        category.position = _next_position(parent)
        category.parent = parent
        if parent is not None:
            category.ocop_group = parent.ocop_group
    category.name, category.name_en, category.slug = name, name_en, slug
    record_decision(actor, "category.rename" if "parent_id" not in changes else "category.move", "category",
                    category.id, **changes)
    db.session.flush()
    # A product's search document holds its category's and parent's names and ids (the category filter and
    # facet read them): a renamed or moved category re-indexes its products and its children's.
    in_tree = [category.id, *(child.id for child in category.children)]
    queue_products(db.session, set(db.session.scalars(select(Product.id).where(Product.category_id.in_(in_tree)))))
    return category


def move(category: Category, actor: User, direction: str) -> Category:
    """One step up or down among its siblings (renumbered 0..n-1 on the way)."""
    require_admin(actor)
    if direction not in ("up", "down"):
        raise DomainError(_("Hướng không hợp lệ."))
    siblings = list(db.session.scalars(select(Category).where(
        Category.parent_id == category.parent_id if category.parent_id else Category.parent_id.is_(None))
        .order_by(Category.position, Category.id)))
    index = siblings.index(category)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        raise DomainError(_("Danh mục đã ở đầu danh sách.") if direction == "up"
                          else _("Danh mục đã ở cuối danh sách."))
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    record_decision(actor, "category.reorder", "category", category.id, direction=direction, position=target)
    db.session.flush()
    return category


def delete_category(category: Category, actor: User) -> None:
    require_admin(actor)
    products = db.session.scalar(select(func.count()).select_from(Product).where(Product.category_id == category.id))
    if products:
        raise Conflict(_("Không xoá được danh mục “%(name)s”: còn %(n)d sản phẩm thuộc danh mục này. "
                         "Hãy chuyển chúng sang danh mục khác trước.", name=category.name, n=products))
    if category.children:
        raise Conflict(_("Không xoá được danh mục “%(name)s”: còn %(n)d danh mục con.", name=category.name,
                         n=len(category.children)))
    record_decision(actor, "category.delete", "category", category.id, name=category.name, slug=category.slug)
    db.session.delete(category)
    db.session.flush()
