"""The alerts app's modules import each other in one direction: no circle, not even through a late import."""

import ast
from pathlib import Path

import alerts

APP = Path(alerts.__file__).parent


def imports_within_the_app(path: Path) -> set[str]:
    """The alerts modules ``path`` imports anywhere in it (at the top or inside a function)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "alerts":
            found |= {f"alerts.{name.name}" for name in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("alerts."):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {name.name for name in node.names if name.name.startswith("alerts.")}
    return found


def test_no_module_of_the_alerts_app_imports_itself_back():
    graph = {f"alerts.{path.stem}": imports_within_the_app(path) for path in APP.glob("*.py")}

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for module in graph.get(start, ()):
            if module == target or (module not in seen and reaches(module, target, seen | {module})):
                return True
        return False

    circles = sorted(module for module in graph if reaches(module, module, {module}))
    assert circles == [], f"modules on an import circle: {circles}"
