"""Helpers shared by the cart and order tests: a buyer's address, reading stock and counts back."""

from sqlalchemy import func, select

ADDRESS = {"recipient": "Trần Thị Bình", "phone": "0987 654 321", "province_code": 96, "ward_code": 32002,
           "street": "Ấp Tân Hưng, đường Lý Văn Lâm"}


def stock_of(app, variant_id: int) -> int:
    from marketplace.catalog.models import Variant
    from marketplace.extensions import db

    with app.app_context():
        return db.session.get(Variant, variant_id).stock


def count(app, model, *where) -> int:
    from marketplace.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def set_variant(app, owner, product_id: int, **changes) -> None:
    """The seller edits the product's first variant (price, stock) through the catalogue service."""
    from marketplace.accounts.models import User
    from marketplace.catalog.models import Product
    from marketplace.catalog.services import update_product
    from marketplace.extensions import db

    with app.app_context():
        product = db.session.get(Product, product_id)
        rows = [{"id": v.id, "name": v.name, "price_vnd": v.price_vnd, "stock": v.stock} for v in product.variants]
        rows[0].update(changes)
        update_product(product, db.session.get(User, owner.id), {"variants": rows})
        db.session.commit()


def set_product_status(app, owner, product_id: int, status: str) -> None:
    from marketplace.accounts.models import User
    from marketplace.catalog.models import Product
    from marketplace.catalog.services import set_status
    from marketplace.extensions import db

    with app.app_context():
        set_status(db.session.get(Product, product_id), db.session.get(User, owner.id), status)
        db.session.commit()


def assert_problem(response, status: int, field: str | None = None) -> dict:
    """A problem+json answer in Vietnamese (the default language), naming the field when there is one."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status and body["title"] and body["detail"]
    assert any(ch in body["detail"] for ch in "ạảãàáâấầẩẫậăắằẳẵặđêếềểễệọỏõòóôốồổỗộơớờởỡợụủũùúưứừửữựịỉĩìíỳýỷỹỵ"), body
    if field is not None:
        assert field in body.get("errors", {}), body
    return body


def give_bank_account(app, owner, shop, bank_bin: str = "970436", number: str = "1012345678") -> None:
    """The shop's owner enters the account that receives bank transfers (VietQR)."""
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.shops.models import Shop
    from marketplace.shops.services import set_bank_account

    with app.app_context():
        set_bank_account(db.session.get(Shop, shop.id), db.session.get(User, owner.id), bank_bin, number,
                         "NGUYEN VAN TU")
        db.session.commit()


def make_admin(app, user) -> None:
    """The province's operator (as `flask create-admin` makes one)."""
    from marketplace.accounts.models import User
    from marketplace.extensions import db

    with app.app_context():
        db.session.get(User, user.id).is_admin = True
        db.session.commit()
