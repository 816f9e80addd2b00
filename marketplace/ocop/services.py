"""OCOP ratings as buyers see them: only approved, unexpired claims count."""

from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..utils import vietnam_today
from .models import APPROVED, OcopClaim


def current_claim_filter(today: date | None = None):
    """The SQL condition for a claim that shows its badge today (join OcopClaim to use it)."""
    return (OcopClaim.status == APPROVED) & (OcopClaim.expires_on >= (today or vietnam_today()))


def current_rating(product) -> OcopClaim | None:
    """The product's rating as shown to buyers, or None (no claim, not approved, or expired)."""
    claim = db.session.scalar(select(OcopClaim).where(OcopClaim.product_id == product.id))
    return claim if claim is not None and claim.is_current() else None


def current_ratings(product_ids) -> dict[int, OcopClaim]:
    """current_rating for many products in one query (lists of product cards)."""
    ids = list(product_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(OcopClaim).where(OcopClaim.product_id.in_(ids), current_claim_filter()))
    return {claim.product_id: claim for claim in rows}


def products_by_stars() -> dict[int, int]:
    """How many products hold a current rating, per star count (the admins' figures)."""
    rows = db.session.execute(select(OcopClaim.stars, func.count()).where(current_claim_filter())
                              .group_by(OcopClaim.stars))
    counts = {stars: 0 for stars in (3, 4, 5)}
    counts.update({stars: n for stars, n in rows})
    return counts
