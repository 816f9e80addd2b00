"""Admin screens over the other features; their decisions go to the audit log (marketplace.audit)."""
