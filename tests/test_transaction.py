"""Transaction hooks (marketplace/transaction.py) across savepoints: what a rolled-back savepoint queued is
undone, what the transaction around it queued stays, and nothing runs before the outermost transaction ends."""

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.accounts.services import register_user
from marketplace.extensions import db, mail
from marketplace.notifications.services import notify
from marketplace.transaction import after_commit, on_rollback
from tests.shopping import count


class Refused(Exception):
    pass


def _refused_savepoint(work) -> None:
    try:
        with db.session.begin_nested():
            work()
            raise Refused
    except Refused:
        pass


def test_a_savepoint_that_rolls_back_undoes_its_own_work_and_keeps_the_outer_work(app):
    ran = []
    with app.app_context():
        register_user(name="Người ngoài", phone="0912000001", password="matkhau123")
        after_commit(ran.append, "outer mail")

        def inside():
            register_user(name="Người trong", phone="0912000002", password="matkhau123")
            after_commit(ran.append, "inner mail")
            on_rollback(ran.append, "inner file removed")

        _refused_savepoint(inside)
        with db.session.begin_nested():
            after_commit(ran.append, "released mail")
            on_rollback(ran.append, "released file removed")
        assert ran == [], "nothing runs while the transaction is open"
        db.session.commit()
        assert ran == ["outer mail", "released mail", "inner file removed"]
        assert db.session.scalars(select(User.phone)).all() == ["+84912000001"]


def test_a_rollback_undoes_what_its_released_savepoints_did_and_sends_none_of_their_mail(app):
    ran = []
    with app.app_context():
        on_rollback(ran.append, "outer file removed")
        with db.session.begin_nested():
            register_user(name="Người trong", phone="0912000002", password="matkhau123")
            after_commit(ran.append, "released mail")
            on_rollback(ran.append, "released file removed")
        db.session.rollback()
        assert ran == ["outer file removed", "released file removed"]
    assert count(app, User) == 0


def test_undo_work_waits_for_the_outermost_transaction_to_end(app):
    """A photo's cleanup claims its key in a transaction of its own: run while the request's transaction still
    held its locks, it would wait on them."""
    seen = []
    with app.app_context():
        _refused_savepoint(lambda: on_rollback(lambda: seen.append(db.session().in_transaction())))
        assert seen == [], "not when the savepoint rolls back"
        db.session.commit()
    assert seen == [False]


def test_a_mail_queued_before_a_refused_savepoint_is_still_sent(app):
    with app.app_context(), mail.record_messages() as outbox:
        user = register_user(name="Chị Hoa", email="hoa@example.vn", password="matkhau123")
        notify([user], "test", lambda: "Có tin mới", mail_subject=lambda: "Tin mới")
        _refused_savepoint(lambda: notify([user], "test", lambda: "Không gửi", mail_subject=lambda: "Không gửi"))
        assert outbox == []
        db.session.commit()
    assert [m.subject for m in outbox] == ["Tin mới"]


def test_a_failing_after_commit_call_is_logged_and_the_next_one_still_runs(app, caplog):
    ran = []

    def broken():
        raise RuntimeError("mail server away")

    with app.app_context():
        after_commit(broken)
        after_commit(ran.append, "index updated")
        db.session.commit()
    assert ran == ["index updated"]
    assert "broken failed after the commit" in caplog.text


def test_a_savepoint_opened_before_the_first_write_commits_nothing_on_its_own(app):
    """pysqlite opens no transaction for a SAVEPOINT: its RELEASE would commit the row at once (SQLite)."""
    with app.app_context():
        with db.session.begin_nested():
            register_user(name="Người trong", phone="0912000002", password="matkhau123")
        db.session.rollback()
    assert count(app, User) == 0


def test_once_queues_one_call_however_many_times_it_is_asked(app):
    ran = []
    with app.app_context():
        for _ in range(3):
            after_commit(ran.append, "drain", once=True)
        _refused_savepoint(lambda: after_commit(ran.append, "drain", once=True))
        db.session.commit()
    assert ran == ["drain"]

