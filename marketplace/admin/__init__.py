"""Admin screens over the other features, and the audit log of every admin decision."""
