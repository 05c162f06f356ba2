"""The code reads top-down: no import cycles, core depends on no app, files and functions
short enough to read.

Every module under notorious/ (migrations aside) is parsed, not imported, and every import
counts, those inside functions included: an import moved into a function to dodge a cycle
is still a cycle.
"""

import ast
from pathlib import Path

PACKAGE = "notorious"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# The content apps, lowest first. An app's models build only on the apps before it: a
# listing joins a market to an edition, so reports come after markets, and coverage and
# figures cite editions. The dataset app, the API, feeds, search and the project's own
# views sit above them all.
LAYERS = ("core", "companies", "markets", "reports", "press", "figures")
# Project modules below every app, which core may use: the embedded development database
# that settings start (core's backup command finds its client tools there).
BELOW_THE_APPS = {"notorious.local_database"}


def module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files():
    """Every module's path, by module name; migrations are generated, so left out."""
    return {
        module_name(path): path
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    }


FILES = source_files()


def absolute(node, module, is_package):
    """The module an ImportFrom names, with a relative import resolved against `module`."""
    if not node.level:
        return node.module
    package = module.split(".")
    if not is_package:
        package.pop()
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(module, source, is_package=False):
    """The project modules `module` (whose text is `source`) imports, wherever in it the
    import statement is.

    `from notorious.x import y` imports notorious.x.y when that is a module, else notorious.x
    (y is then a name defined in it).
    """
    tree = ast.parse(source)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = absolute(node, module, is_package)
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in FILES else base
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            # `import notorious.a.b` imports notorious.a.b; a name in no file is not ours.
            while name and name not in FILES:
                name = name.rpartition(".")[0]
            if name and name.startswith(f"{PACKAGE}.") and name != module:
                found.add(name)
    return found


def import_graph():
    return {
        module: imported_modules(
            module, path.read_text(encoding="utf-8"), is_package=path.name == "__init__.py"
        )
        for module, path in FILES.items()
    }


def find_cycle(graph):
    """One import cycle as a list of modules (the first repeated at the end), or None."""
    state = {}  # module -> "visiting" while on the current path, "done" once finished

    def visit(module, path):
        state[module] = "visiting"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "visiting":
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = visit(target, [*path, target])
                if cycle:
                    return cycle
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module, [module])
            if cycle:
                return cycle
    return None


def app_of(module):
    """The app (or project-level module) a module belongs to: notorious.markets.views ->
    markets, notorious.search -> search."""
    return module.split(".")[1] if "." in module else module


def test_the_graph_sees_every_kind_of_import():
    source = (
        "import notorious.core.models\n"
        "from notorious.core import markup\n"
        "from notorious.core.models import Publishable\n"
        "from .filters import MarketFilter\n"
        "from . import views\n"
        "def later():\n"
        "    from notorious.reports.models import Report\n"
        "    from notorious import search\n"
    )
    assert imported_modules("notorious.markets.admin", source) == {
        "notorious.core.models",
        "notorious.core.markup",
        "notorious.markets.filters",
        "notorious.markets.views",
        "notorious.reports.models",
        "notorious.search",
    }


def test_find_cycle_reports_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles():
    cycle = find_cycle(import_graph())
    assert cycle is None, "Import cycle: " + " -> ".join(cycle)


def test_core_imports_no_app():
    """Apps use core, never the reverse."""
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if app_of(module) == "core"
        for target in targets
        if app_of(target) != "core" and target not in BELOW_THE_APPS
    )
    assert not wrong, "core must not import other apps:\n" + "\n".join(wrong)


def test_models_build_only_on_lower_apps():
    wrong = []
    for module, targets in import_graph().items():
        app = app_of(module)
        if app not in LAYERS or module.rpartition(".")[2] not in ("models", "history"):
            continue
        allowed = LAYERS[: LAYERS.index(app) + 1]
        wrong += [f"{module} imports {to}" for to in targets if app_of(to) not in allowed]
    layering = " <- ".join(LAYERS)
    assert not wrong, f"Models import only the apps below them ({layering}):\n" + "\n".join(
        sorted(wrong)
    )


def test_no_module_is_too_long():
    long_modules = []
    for module, path in FILES.items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            long_modules.append(f"{module}: {lines} lines")
    assert not long_modules, (
        f"Modules over {MAX_MODULE_LINES} lines (split them by responsibility):\n"
        + "\n".join(long_modules)
    )


def test_no_function_is_too_long():
    long_functions = []
    for module, path in FILES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{module}.{node.name} (line {node.lineno}): {length}")
    assert not long_functions, f"Functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(
        long_functions
    )
