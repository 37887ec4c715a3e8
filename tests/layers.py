"""Which ilp_core module may import which: the layers, read from the source with ast.

base (ilp_core/*.py) <- stats, cohort <- results <- reporting. A module may import its own
layer and the layers listed for it. Nothing in ilp_core may import Streamlit or the app
(app, ui, app_pages), the ``ilp_core`` package itself (its __init__ gathers the public names
from every layer, for users of the library), or import by name at run time (importlib,
__import__), which this check could not follow.
"""
from __future__ import annotations

import ast
from pathlib import Path

ALLOWED = {
    "base": {"base"},
    "stats": {"base", "stats"},
    "cohort": {"base", "cohort"},
    "results": {"base", "stats", "cohort", "results"},
    "reporting": {"base", "stats", "cohort", "results", "reporting"},
}
FORBIDDEN_PACKAGES = {"streamlit", "app", "ui", "app_pages"}
DYNAMIC = {"import_module", "__import__"}


def layer_of(module: str) -> str:
    """'ilp_core.stats.survival' -> 'stats'; 'ilp_core.conventions' -> 'base'."""
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[1] in ALLOWED else "base"


def _imports(path: Path, module: str):
    """(line, imported module) for every import in the file, at any depth (a function's too)."""
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            yield node.lineno, base
            for alias in node.names:  # 'from ilp_core.stats import survival' imports a module
                yield node.lineno, f"{base}.{alias.name}"
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in DYNAMIC:
            yield node.lineno, "<dynamic>"


def violations(root: Path) -> list[str]:
    """Every import in ``root/ilp_core`` that crosses the layers the wrong way, as 'file:line: why'."""
    found = []
    for path in sorted((root / "ilp_core").rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        if module == "ilp_core":
            continue  # the public facade
        mine = layer_of(module)
        for line, imported in _imports(path, module):
            where = f"{path.relative_to(root)}:{line}"
            if any(f.startswith(f"{where}:") for f in found):
                continue  # one finding per import statement
            if imported == "<dynamic>":
                found.append(f"{where}: imports a module by name at run time (write the import out)")
            elif imported.split(".")[0] in FORBIDDEN_PACKAGES:
                found.append(f"{where}: imports {imported} (ilp_core never imports Streamlit or the app)")
            elif imported == "ilp_core":
                found.append(f"{where}: imports the ilp_core package itself (import the module it needs)")
            elif imported.startswith("ilp_core.") and _is_module(root, imported) \
                    and layer_of(imported) not in ALLOWED[mine]:
                found.append(f"{where}: {mine} module {module} imports {imported} ({layer_of(imported)}, "
                             f"a layer {mine} may not use)")
    return found


def _is_module(root: Path, name: str) -> bool:
    """Whether ``name`` is a module or package (not a function imported from one)."""
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()
