"""Notices to users: in the header's bell (in-app) and, when there is something to read at leisure, by mail.

Features say whom to tell and what (shops.services.notify_shop for a shop's members); this package
writes the notice in the caller's transaction and sends the mail only after the commit.
"""
