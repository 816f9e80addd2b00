"""Keep the index in step with committed data, across any number of worker processes.

1. after_flush: the ids of touched products go into search_outbox, inside the transaction.
2. after the commit (transaction.after_commit): this process tries to become the writer and drains the
   outbox. If another process holds the writer lock it simply returns: that writer looks at the outbox
   again after letting go of the lock, and so picks up rows committed while it was busy.
A rollback (of the request or of a savepoint) discards the outbox rows with everything else, and the
drain queued with them, so they never reach the index.
"""

from itertools import chain

from flask import current_app
from sqlalchemy import delete, exists, insert, select
from sqlalchemy.orm import Session

from ..catalog.models import Product, Variant
from ..extensions import db
from ..shops.models import Shop
from ..transaction import after_commit
from ..utils import utcnow
from .backend import get_backend
from .documents import all_documents, documents_for
from .models import SearchOutbox

BATCH = 500


def changed_product_ids(session) -> set[int]:
    product_ids, shop_ids = set(), set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue  # only a collection changed (a cart line added to a variant): the document is the same
        if isinstance(obj, Product):
            product_ids.add(obj.id)
        elif isinstance(obj, Variant):
            product_ids.add(obj.product_id or (obj.product.id if obj.product is not None else None))
        elif isinstance(obj, Shop) and obj not in session.new:
            shop_ids.add(obj.id)  # a renamed, moved or hidden shop changes all its products' documents
    if shop_ids:
        product_ids.update(session.connection().scalars(select(Product.id).where(Product.shop_id.in_(shop_ids))))
    product_ids.discard(None)
    return product_ids


def record_changes(session, _flush_context) -> None:
    product_ids = changed_product_ids(session)
    if product_ids:
        now = utcnow()
        session.connection().execute(insert(SearchOutbox), [{"product_id": i, "created_at": now}
                                                           for i in sorted(product_ids)])
        after_commit(apply_queued, once=True)


def queue_products(session, product_ids: set[int]) -> None:
    """For changes made by SQL statements, which after_flush does not see (the stock an order takes)."""
    product_ids = {i for i in product_ids if i is not None}
    if product_ids:
        now = utcnow()
        session.execute(insert(SearchOutbox), [{"product_id": i, "created_at": now} for i in sorted(product_ids)])
        after_commit(apply_queued, once=True)


def apply_queued() -> None:
    if current_app.config["SEARCH_SYNC"]:
        try:
            drain()
        except Exception:  # the rows stay queued for the next drain; the request has succeeded
            current_app.logger.exception("search: could not update the index; changes stay queued")


def _pending(session: Session) -> bool:
    return session.scalar(select(exists().where(SearchOutbox.id.is_not(None))))


def drain() -> int:
    """Apply every queued change; returns how many queue rows this process handled."""
    from .whoosh_backend import IndexMissing

    backend = get_backend()
    handled = 0
    with Session(db.engine) as session:
        while _pending(session):
            session.rollback()  # a fresh snapshot on each pass
            with backend.lock() as writer:
                if not writer:
                    return handled
                while True:
                    rows = session.execute(select(SearchOutbox.id, SearchOutbox.product_id)
                                           .order_by(SearchOutbox.id).limit(BATCH)).all()
                    if not rows:
                        break
                    documents, removed = documents_for(session, {row.product_id for row in rows})
                    try:
                        backend.apply(documents, removed)
                    except IndexMissing:
                        backend.rebuild(all_documents())
                    session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([row.id for row in rows])))
                    session.commit()
                    handled += len(rows)
            session.rollback()
    return handled


def rebuild() -> int:
    """Index every searchable product afresh; waits for the current writer to finish."""

    backend = get_backend()
    with backend.lock(blocking=True) as writer:
        if not writer:
            raise RuntimeError("another process kept the search index busy for too long")
        with Session(db.engine) as session:
            high_water = session.scalar(select(SearchOutbox.id).order_by(SearchOutbox.id.desc()).limit(1))
        count = backend.rebuild(all_documents())
        if high_water is not None:  # those changes were read by the rebuild
            with Session(db.engine) as session:
                session.execute(delete(SearchOutbox).where(SearchOutbox.id <= high_water))
                session.commit()
    drain()  # changes other processes queued while the lock was held here
    return count


def ensure_index() -> None:
    """A missing or broken index is rebuilt, rather than turning search into errors."""

    backend = get_backend()
    if backend.is_healthy():
        return
    with backend.lock(blocking=True) as writer:
        if writer and not backend.is_healthy():  # another process may have rebuilt it meanwhile
            current_app.logger.warning("search: index missing or damaged, rebuilding it")
            backend.rebuild(all_documents())
    drain()
