"""The audit log: every admin decision (who, when, what, why), written in the decision's own transaction.

Features record their decisions here; the admin screens read them back.
"""
