"""`ocop remind` does not ask a shop to renew the rating of a product it deleted."""

from datetime import timedelta

from sqlalchemy import update

from marketplace.accounts.models import User
from marketplace.catalog.models import Product
from marketplace.catalog.services import delete_product
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.ocop.models import OcopClaim
from marketplace.utils import vietnam_today
from tests.shopping import count

from .helpers import Seller


def test_a_deleted_products_rating_is_not_reminded(app, client, factory):
    seller = Seller(app, client, factory)
    kept = factory.product(seller.owner, seller.shop, title="Sáp ong U Minh")
    for product_id in (seller.product.id, kept.id):
        seller.approved_claim(product_id=product_id)
    with app.app_context():
        expires_on = vietnam_today() + timedelta(days=10)
        db.session.execute(update(OcopClaim).values(decided_on=expires_on - timedelta(days=1000),
                                                    expires_on=expires_on))
        delete_product(db.session.get(Product, seller.product.id), db.session.get(User, seller.owner.id))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["ocop", "remind"])
    assert result.exit_code == 0 and "1 claim(s)" in result.output, result.output
    with app.app_context():
        messages = db.session.scalars(db.select(Notification.message).where(
            Notification.kind == "ocop_expiring")).all()
    assert len(messages) == 1 and "Sáp ong U Minh" in messages[0]
    assert count(app, Notification, Notification.kind == "ocop_expiring") == 1
