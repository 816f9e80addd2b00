"""Admins shape the category tree: add, rename in both languages, reorder, move; slugs stay unique and
a category in use is never deleted."""

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEntry
from marketplace.catalog.models import Category
from marketplace.extensions import db
from tests.shopping import count

pytestmark = pytest.mark.usefixtures("restore_categories")


def category(app, slug) -> Category | None:
    with app.app_context():
        found = db.session.scalar(select(Category).where(Category.slug == slug))
        if found is not None:
            db.session.expunge(found)
        return found


def children_order(app, parent_slug) -> list[str]:
    with app.app_context():
        parent = db.session.scalar(select(Category).where(Category.slug == parent_slug))
        return [c.slug for c in sorted(parent.children, key=lambda c: (c.position, c.id))]


def actions(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_add_a_category_under_a_group_and_buyers_can_browse_it(app, client, as_admin):
    food = category(app, "thuc-pham")
    response = as_admin.post("/admin/categories", data={"name": "Bánh phồng tôm", "name_en": "Shrimp crackers",
                                                         "parent_id": str(food.id), "slug": ""})
    assert response.status_code == 302
    added = category(app, "banh-phong-tom")
    assert (added.name, added.name_en, added.parent_id, added.ocop_group) == (
        "Bánh phồng tôm", "Shrimp crackers", food.id, "food")
    assert children_order(app, "thuc-pham")[-1] == "banh-phong-tom"
    assert client.get("/products?category=banh-phong-tom").status_code == 200
    assert "Bánh phồng tôm" in as_admin.get("/admin/categories").get_data(as_text=True)

    # The same name again gets a slug of its own; a slug typed by hand must be free.
    as_admin.post("/admin/categories", data={"name": "Bánh phồng tôm", "name_en": "Crackers", "parent_id": ""})
    assert category(app, "banh-phong-tom-2").parent_id is None
    before = count(app, Category)
    taken = as_admin.post("/admin/categories", data={"name": "Mật ong rừng", "name_en": "Forest honey",
                                                      "slug": "mat-ong", "parent_id": ""})
    assert taken.status_code == 422
    assert "Đường dẫn “mat-ong” đã có danh mục khác dùng." in taken.get_data(as_text=True)
    assert count(app, Category) == before
    assert actions(app) == ["category.add", "category.add"]


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "name_en": "Honey"}, "Tên danh mục cần ít nhất 2 ký tự."),
    ({"name": "Mật", "name_en": " "}, "Tên danh mục cần ít nhất 2 ký tự."),
    ({"name": "Mật ong", "name_en": "Honey", "slug": "Mật Ong!"}, "Đường dẫn chỉ gồm chữ thường"),
    ({"name": "Mật ong", "name_en": "Honey", "parent_id": "11"}, "Chỉ đặt được dưới một danh mục cấp trên cùng."),
    ({"name": "Mật ong", "name_en": "Honey", "parent_id": "99999"}, "Không tìm thấy danh mục cha."),
])
def test_a_bad_category_is_refused_next_to_its_field_and_nothing_is_stored(app, as_admin, data, message):
    before = count(app, Category)
    response = as_admin.post("/admin/categories", data={"parent_id": "", **data})
    assert response.status_code in (409, 422)
    assert message in response.get_data(as_text=True)
    assert count(app, Category) == before and actions(app) == []


def test_rename_in_both_languages_and_move_under_another_group(app, client, as_admin):
    honey = category(app, "mat-ong")
    herbal = category(app, "thao-duoc")
    response = as_admin.post(f"/admin/categories/{honey.id}/edit", data={
        "name": "Mật ong, sáp ong", "name_en": "Honey and beeswax", "slug": "mat-ong", "parent_id": str(herbal.id)})
    assert response.status_code == 302
    moved = category(app, "mat-ong")
    assert (moved.name, moved.name_en, moved.parent_id, moved.ocop_group) == (
        "Mật ong, sáp ong", "Honey and beeswax", herbal.id, "herbal")
    assert children_order(app, "thao-duoc")[-1] == "mat-ong"
    assert "mat-ong" not in children_order(app, "thuc-pham")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry))
        assert entry.action == "category.move"
        assert entry.details["name"] == ["Mật ong", "Mật ong, sáp ong"]
        assert entry.details["parent_id"] == [honey.parent_id, herbal.id]


def test_a_group_with_children_stays_at_the_top(app, as_admin):
    food, herbal = category(app, "thuc-pham"), category(app, "thao-duoc")
    response = as_admin.post(f"/admin/categories/{food.id}/edit", data={
        "name": food.name, "name_en": food.name_en, "slug": "", "parent_id": str(herbal.id)})
    assert response.status_code == 422
    assert "còn danh mục con nên phải ở cấp trên cùng" in response.get_data(as_text=True)
    assert category(app, "thuc-pham").parent_id is None and actions(app) == []


def test_reorder_moves_one_step_among_siblings(app, as_admin):
    first, second = children_order(app, "do-uong")[:2]
    moved = category(app, second)
    as_admin.post(f"/admin/categories/{moved.id}/move", data={"direction": "up"})
    assert children_order(app, "do-uong")[:2] == [second, first]
    refused = as_admin.post(f"/admin/categories/{moved.id}/move", data={"direction": "up"}, follow_redirects=True)
    assert "Danh mục đã ở đầu danh sách." in refused.get_data(as_text=True)
    assert children_order(app, "do-uong")[:2] == [second, first]
    assert actions(app) == ["category.reorder"]


def test_a_category_with_products_is_not_deleted(app, as_admin, product):
    from marketplace.catalog.models import Product

    with app.app_context():
        used = db.session.get(Product, product.id).category
        used_id, used_name = used.id, used.name
    before = count(app, Category)
    response = as_admin.post(f"/admin/categories/{used_id}/delete", follow_redirects=True)
    assert (f"Không xoá được danh mục “{used_name}”: còn 1 sản phẩm thuộc danh mục này."
            in response.get_data(as_text=True))
    refused_group = as_admin.post("/admin/categories/1/delete", follow_redirects=True)
    assert "còn 10 danh mục con" in refused_group.get_data(as_text=True)
    assert count(app, Category) == before and actions(app) == []

    empty = category(app, "gom")
    as_admin.post(f"/admin/categories/{empty.id}/delete")
    assert category(app, "gom") is None
    assert actions(app) == ["category.delete"]


def test_renaming_shows_the_new_names_to_buyers_in_both_languages(app, client, as_admin):
    rice = category(app, "gao-nong-san")
    as_admin.post(f"/admin/categories/{rice.id}/edit", data={
        "name": "Gạo đặc sản", "name_en": "Speciality rice", "slug": "gao-dac-san", "parent_id": str(rice.parent_id)})
    assert category(app, "gao-nong-san") is None
    page = client.get("/products?category=gao-dac-san").get_data(as_text=True)
    assert "<h1>Gạo đặc sản</h1>" in page
    assert 'href="/products?category=gao-dac-san' in client.get("/products?category=thuc-pham").get_data(as_text=True)
    by_slug = {c["slug"]: c for c in client.get("/api/v1/categories").json}
    assert (by_slug["gao-dac-san"]["name"], by_slug["gao-dac-san"]["name_en"]) == ("Gạo đặc sản", "Speciality rice")
    assert actions(app) == ["category.rename"]
    unchanged = as_admin.post(f"/admin/categories/{rice.id}/edit", data={
        "name": "Gạo đặc sản", "name_en": "Speciality rice", "slug": "", "parent_id": str(rice.parent_id)})
    assert unchanged.status_code == 302 and actions(app) == ["category.rename"], "nothing changed, nothing logged"
