"""Where image files live. Object storage can be added as one more class in STORAGES."""

from abc import ABC, abstractmethod
from pathlib import Path

from flask import Flask, current_app, url_for


class Storage(ABC):
    @abstractmethod
    def save(self, name: str, data: bytes) -> bool:
        """Store data under name; return False when the name already existed."""

    @abstractmethod
    def delete(self, name: str) -> None: ...

    @abstractmethod
    def exists(self, name: str) -> bool: ...

    @abstractmethod
    def url(self, name: str) -> str: ...


class FilesystemStorage(Storage):
    """Files under DATA_DIR/media, served by the media blueprint (or by nginx in front)."""

    def __init__(self, app: Flask):
        self.root = Path(app.config["DATA_DIR"]) / "media"
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("media name escapes the storage root")
        return path

    def save(self, name: str, data: bytes) -> bool:
        path = self.path(name)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a reader never sees half a file
        return True

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self.path(name).exists()

    def url(self, name: str) -> str:
        return url_for("media.serve", name=name)


STORAGES: dict[str, type[Storage]] = {"filesystem": FilesystemStorage}


def get_storage() -> Storage:
    return current_app.extensions["media_storage"]
