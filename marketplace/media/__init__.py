"""Photos: validated and re-encoded by Pillow, stored behind a storage interface."""

from flask import Flask

from .storage import STORAGES


def init_media(app: Flask) -> None:
    name = app.config["MEDIA_STORAGE"]
    try:
        app.extensions["media_storage"] = STORAGES[name](app)
    except KeyError:
        raise RuntimeError(f"MEDIA_STORAGE must be one of {', '.join(STORAGES)}, not {name!r}") from None
