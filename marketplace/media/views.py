from flask import Blueprint, abort, send_file

from .storage import FilesystemStorage, get_storage

bp = Blueprint("media", __name__, url_prefix="/media")

ONE_YEAR = 365 * 24 * 3600


@bp.get("/<path:name>")
def serve(name: str):
    storage = get_storage()
    if not isinstance(storage, FilesystemStorage):
        abort(404)
    try:
        path = storage.path(name)
    except ValueError:
        abort(404)
    if not path.is_file() or path.suffix != ".webp":
        abort(404)
    # Names are content hashes: a file never changes, so browsers may keep it forever.
    response = send_file(path, mimetype="image/webp", max_age=ONE_YEAR, conditional=True)
    response.cache_control.immutable = True
    response.cache_control.public = True
    return response
