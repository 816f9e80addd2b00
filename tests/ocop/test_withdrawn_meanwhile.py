"""An admin deciding a claim the shop withdrew a moment before gets a clear 404."""

import pytest
from sqlalchemy import delete

from marketplace.accounts.models import User
from marketplace.audit.models import AuditEntry
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.ocop import services
from marketplace.ocop.models import OcopClaim
from tests.shopping import count

from .helpers import Seller


@pytest.mark.parametrize("decide", [
    lambda claim, admin: services.approve(claim, admin),
    lambda claim, admin: services.reject(claim, admin, "Ảnh mờ, không đọc được"),
])
def test_deciding_a_claim_withdrawn_meanwhile_is_not_found(app, client, factory, decide):
    seller = Seller(app, client, factory)
    claim_id = seller.claim()
    with app.app_context():
        claim = services.get_claim(claim_id)  # the admin's page loaded it ...
        admin = db.session.get(User, seller.admin.id)
        with db.engine.connect() as shop:  # ... then the shop withdrew it, in another request
            shop.execute(delete(OcopClaim).where(OcopClaim.id == claim_id))
            shop.commit()
        with pytest.raises(NotFound, match="vừa rút"):
            decide(claim, admin)
        db.session.rollback()
    assert count(app, AuditEntry) == 0
