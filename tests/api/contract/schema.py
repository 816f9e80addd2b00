"""The API's document loaded for Schemathesis, with hooks that mix the world's real ids into generated
requests: a generated id that is valid is sometimes swapped for a real one, never an invalid one, so a
request meant to be refused stays refusable."""

import schemathesis
from hypothesis import strategies as st

from tests.conftest import make_test_app

# Built at import so pytest can list one test per operation; it shares the test database, which the
# session `app` fixture migrates before any test runs.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", make_test_app())

REAL: dict[str, list] = {}  # parameter or body field name -> the current world's ids (set by `use_world`)
MAX_ID = 2**31 - 1


def use_world(world) -> None:
    REAL.clear()
    REAL.update(world.ids())


def _swappable(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 1 <= value <= MAX_ID
    return isinstance(value, str) and value != "" and "\x00" not in value


def _mix(values):
    if not isinstance(values, dict):
        return st.just(values)
    choices = {name: st.sampled_from([value, *REAL[name]]) for name, value in values.items()
               if REAL.get(name) and _swappable(value)}
    if not choices:
        return st.just(values)
    return st.fixed_dictionaries(choices).map(lambda picked: {**values, **picked})


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return _mix(path_parameters)


@schema.hook
def flatmap_body(context, body):
    return _mix(body)
