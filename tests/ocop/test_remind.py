"""`flask ocop remind`: shops hear 30 days before a rating ends, once per expiry date."""

from datetime import timedelta

from sqlalchemy import update

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.ocop.models import OcopClaim
from marketplace.utils import vietnam_today
from tests.shopping import count

from .helpers import Seller


def _set_expiry(app, claim_id: int, days_from_today: int) -> None:
    with app.app_context():
        expires_on = vietnam_today() + timedelta(days=days_from_today)
        db.session.execute(update(OcopClaim).where(OcopClaim.id == claim_id)
                           .values(decided_on=expires_on - timedelta(days=1000), expires_on=expires_on))
        db.session.commit()


def test_remind_tells_each_shop_once_per_expiry_date(app, client, factory):
    from marketplace.extensions import mail

    seller = Seller(app, client, factory)
    factory.user(name="Tổ công nghệ số", email="to-cns@example.vn")
    with app.app_context():
        from marketplace.accounts.models import User
        from marketplace.shops.models import Shop
        from marketplace.shops.services import add_manager

        shop = db.session.get(Shop, seller.shop.id)
        add_manager(shop, db.session.get(User, seller.owner.id), "to-cns@example.vn")
        db.session.commit()
    soon = seller.approved_claim()
    products = [factory.product(seller.owner, seller.shop, title=f"Mật ong loại {n}") for n in range(4)]
    later, expired, pending, edge = (seller.claim(product_id=p.id) for p in products)
    for claim_id in (later, expired, edge):
        seller.approve(claim_id)
    _set_expiry(app, soon, 10)
    _set_expiry(app, later, 45)  # not yet
    _set_expiry(app, expired, -1)  # too late: the badge is already gone
    _set_expiry(app, pending, 5)  # never approved: nothing to keep
    _set_expiry(app, edge, 30)  # exactly 30 days: reminded
    with mail.record_messages() as sent:
        runner = app.test_cli_runner()
        first = runner.invoke(args=["ocop", "remind"])
        assert first.exit_code == 0, first.output
        assert "2 claim(s)" in first.output
        with app.app_context():
            notes = db.session.query(Notification).filter_by(kind="ocop_expiring").all()
            assert len(notes) == 4  # two claims, two members each (the owner and the helper)
            assert {n.order_id for n in notes} == {None}
            assert any("Mật ong U Minh nguyên chất" in n.message and "còn 10 ngày" in n.message for n in notes)
        assert [m.recipients for m in sent] == [["to-cns@example.vn"], ["to-cns@example.vn"]]
        assert "sắp hết hạn" in sent[0].subject

        second = runner.invoke(args=["ocop", "remind"])  # the next run (a daily job): nothing new
        assert second.exit_code == 0 and "0 claim(s)" in second.output
        assert count(app, Notification, Notification.kind == "ocop_expiring") == 4
        assert len(sent) == 2

        # A new certificate, approved again with a later expiry, will be reminded when its time comes.
        _set_expiry(app, soon, 20)
        assert "1 claim(s)" in runner.invoke(args=["ocop", "remind"]).output
