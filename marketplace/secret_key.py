"""A signing key for an installation that was started without SECRET_KEY.

A constant fallback key would be the same on every installation that forgot APP_ENV=production, and
anyone who read this repository could sign an admin's session cookie for it (or, through the VNPay
sandbox secret derived from it, a payment notification). So outside production a missing key is drawn
at random once and kept in a file beside the data; the next start, and every worker started at the
same moment, reads the same one. Production still refuses to start without SECRET_KEY.
"""

import os
import secrets
from pathlib import Path


def load_or_create(path: Path) -> str:
    """The key kept at path, creating it when there is none. Safe when several processes start at once:
    the key is written to a private temporary file and linked into place, which fails if another
    process won; then everyone reads the winner's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable secret key: delete it to draw a new one, or set SECRET_KEY")
    return key
