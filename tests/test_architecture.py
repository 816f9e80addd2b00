"""The layers of marketplace/ hold, read from the source with `ast` (function-level imports included):

- no import cycle between modules;
- no feature imports another feature's pages, API or forms (`views`, `seller_views`, `api`, `forms`):
  what two features share goes to a service, or to a shared module below the features;
- the shared modules (everything outside the feature folders and the composition root) import no
  feature and not the composition root;
- nothing imports the composition root but itself.

docs/architecture.md says why. Imports under `if TYPE_CHECKING:` are left out: they never run, and only
let a shared module name a feature's model in a type hint.
"""

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "marketplace"
FEATURES = ("accounts", "admin", "cart", "catalog", "ocop", "orders", "payments", "search", "shops", "traceability")
# The app factory, the API's registration and the command line put the features together: they alone may
# import a feature's blueprint.
COMPOSITION_ROOT = ("marketplace", "marketplace.api", "marketplace.cli")
OUTER_MODULES = ("views", "seller_views", "api", "forms")


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} (line {self.line})"


def _modules(root: Path, package: str) -> dict[str, Path]:
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST):
    """Every import statement, at any depth, except those only type checkers see."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.If) and _is_type_checking(node):
            children = node.orelse
        stack.extend(children)


def read_imports(root: Path, package: str) -> tuple[dict[str, Path], list[Import]]:
    """Module -> module imports inside `package`. `from pkg import name` is an import of the submodule
    pkg.name when there is one (every submodule import runs its package's __init__ first; that is not
    counted, or every package would be a cycle with its own modules), else of pkg itself."""
    modules = _modules(root, package)
    imports = set()
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _import_nodes(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[:len(base) - node.level + 1]
                    origin = ".".join(base + ([node.module] if node.module else []))
                else:
                    origin = node.module or ""
                targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin
                           for alias in node.names]
            imports.update(Import(name, target, node.lineno) for target in targets
                           if target in modules and target != name)
    return modules, sorted(imports, key=lambda i: (i.source, i.target, i.line))


def _feature(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FEATURES else None


def _in(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _is_root(module: str) -> bool:
    return module in COMPOSITION_ROOT[:2] or _in(module, COMPOSITION_ROOT[2])


def _is_shared(module: str) -> bool:
    return _feature(module) is None and not _is_root(module)


def cycles(imports: list[Import]) -> list[list[Import]]:
    """One cycle, as its chain of imports, for each group of modules that import each other."""
    graph: dict[str, dict[str, Import]] = defaultdict(dict)
    for imp in imports:
        graph[imp.source].setdefault(imp.target, imp)
    found, seen = [], set()
    for start in sorted(graph):
        if start in seen:
            continue
        # Breadth first from `start`: the shortest way back to it, if there is one.
        paths = {start: []}
        queue = [start]
        while queue:
            module = queue.pop(0)
            for target, imp in graph[module].items():
                if target == start:
                    chain = paths[module] + [imp]
                    seen.update(i.source for i in chain)
                    found.append(chain)
                    queue = []
                    break
                if target not in paths:
                    paths[target] = paths[module] + [imp]
                    queue.append(target)
    return found


def reaching_into_features(imports: list[Import]) -> list[Import]:
    return [imp for imp in imports
            if _feature(imp.source) and _feature(imp.target) and _feature(imp.source) != _feature(imp.target)
            and imp.target.rsplit(".", 1)[-1] in OUTER_MODULES]


def shared_importing_up(imports: list[Import]) -> list[Import]:
    return [imp for imp in imports if _is_shared(imp.source) and not _is_shared(imp.target)]


def importing_the_root(imports: list[Import]) -> list[Import]:
    return [imp for imp in imports if _is_root(imp.target) and not _is_root(imp.source)]


def _chain(chain: list[Import]) -> str:
    return " -> ".join([chain[0].source] + [f"{i.target} (line {i.line} of {i.source})" for i in chain])


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    modules, found = read_imports(ROOT, PACKAGE)
    seen = {(i.source, i.target) for i in found}
    # One import at the top of a module and one inside a function: the reader must see both kinds.
    assert len(modules) > 50 and {("marketplace.orders.services", "marketplace.cart.services"),
                                  ("marketplace", "marketplace.api")} <= seen, "the reader misses imports"
    return found


def test_no_import_cycle(imports):
    if found := cycles(imports):
        pytest.fail("import cycles:\n" + "\n".join(_chain(chain) for chain in found), pytrace=False)


def test_no_feature_imports_another_features_pages_api_or_forms(imports):
    if found := reaching_into_features(imports):
        pytest.fail("a feature imports another feature's views/api/forms; move what they share to a service or "
                    "a shared module:\n" + "\n".join(map(str, found)), pytrace=False)


def test_shared_modules_import_no_feature(imports):
    if found := shared_importing_up(imports):
        pytest.fail("a shared module imports a feature or the composition root:\n" + "\n".join(map(str, found)),
                    pytrace=False)


def test_nothing_imports_the_composition_root(imports):
    if found := importing_the_root(imports):
        pytest.fail("only the composition root imports itself:\n" + "\n".join(map(str, found)), pytrace=False)


def test_the_checks_name_the_offending_imports(tmp_path):
    """The reader and the checks on a package made for the purpose, so a passing suite means something."""
    files = {
        "__init__.py": "def create_app():\n    from .shops.views import bp\n",
        "utils.py": "from .shops.models import Shop\n",
        "shops/__init__.py": "",
        "shops/models.py": "from ..utils import fold\n",
        "shops/views.py": "from . import models\n",
        "orders/__init__.py": "",
        "orders/services.py": "from .. import create_app\n\n\ndef place():\n    from ..shops.views import bp\n",
        "orders/models.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from ..orders import views\n",
    }
    for name, text in files.items():
        (tmp_path / "marketplace" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "marketplace" / name).write_text(text)
    _modules_, found = read_imports(tmp_path, PACKAGE)

    assert [_chain(chain) for chain in cycles(found)] == [
        "marketplace.shops.models -> marketplace.utils (line 1 of marketplace.shops.models)"
        " -> marketplace.shops.models (line 1 of marketplace.utils)"]
    assert [str(i) for i in reaching_into_features(found)] == [
        "marketplace.orders.services -> marketplace.shops.views (line 5)"]
    assert [str(i) for i in shared_importing_up(found)] == ["marketplace.utils -> marketplace.shops.models (line 1)"]
    assert [str(i) for i in importing_the_root(found)] == ["marketplace.orders.services -> marketplace (line 1)"]
