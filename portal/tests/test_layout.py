"""Every domain app has the same shape (README, "Code map"); this test is the shape written down.

It fails on a module that is not part of the layout, on a module over the size limit, and on an
import of another domain app that does not go through that app's ``api``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["alumni", "groups", "accounts_registry", "mentoring", "moderation", "integration"]
MAX_LINES = 400

# The same modules in every app.
COMMON_MODULES = {
    "__init__.py",
    "apps.py",
    "models.py",  # data and cheap predicates
    "permissions.py",  # can_<verb>_<entity>(user, obj) -> bool
    "selectors.py",  # every read, scoped to the user; access_<entity>_or_404
    "jobs.py",  # every scheduled sweep, <what>_sweep()
    "tasks.py",  # thin Celery tasks: ids in, one service or job called
    "forms.py",  # shape of input only; field lists from the services
    "urls.py",
    "admin.py",  # through the services
    "api.py",  # what other apps may use
    "errors.py",  # the app's DomainError subclass
    "nav.py",
    "dashboard.py",
    "demo.py",
    "signals.py",
    "README.md",
}
COMMON_PACKAGES = {
    "models",
    "services",
    "views",
    "migrations",
    "templates",
    "templatetags",
    "tests",
    "management",  # manage.py commands, each calling a service
}
VIEW_MODULES = {"__init__.py", "public.py", "member.py", "staff.py", "api.py"}
# Domain logic that is neither a read nor a write, named in the README's code map.
DOMAIN_MODULES: dict[str, set[str]] = {
    "alumni": {"matching.py", "imports.py"},
    "groups": {"disclaimers.py", "reports.py"},
    "accounts_registry": {"rules.py"},
    "mentoring": {"matching.py", "scoring.py", "sharing.py"},
    "moderation": {"imports.py", "defaults.py", "targets.py"},
    # The API's shapes, and its token authentication, scope check and rate limit (DRF classes).
    "integration": {"serializers.py", "auth.py"},
}


def _modules(app: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
    )


@pytest.mark.parametrize("app", APPS)
def test_app_holds_only_the_layouts_modules(app: str) -> None:
    allowed = COMMON_MODULES | DOMAIN_MODULES[app]
    stray = []
    for entry in sorted((ROOT / app).iterdir()):
        if entry.name.startswith((".", "__pycache__")):
            continue
        if entry.is_dir():
            # A layout module grown past the size limit may become a package of the same name.
            as_package = f"{entry.name}.py" in allowed and (entry / "__init__.py").exists()
            if entry.name not in COMMON_PACKAGES and not as_package:
                stray.append(f"{entry.name}/")
        elif entry.name not in allowed:
            stray.append(entry.name)
    assert not stray, f"{app}: modules outside the layout: {stray}"
    assert (ROOT / app / "services" / "__init__.py").exists(), f"{app}: no services/ package"
    views = ROOT / app / "views"
    assert views.is_dir(), f"{app}: no views/ package"
    # An audience whose module outgrows the limit becomes a package of the same name
    # (views/staff/__init__.py re-exporting views/staff/<area>.py); nothing else sits in views/.
    audiences = {name.removesuffix(".py") for name in VIEW_MODULES} - {"__init__"}
    stray_views = sorted(
        entry.name + ("/" if entry.is_dir() else "")
        for entry in views.iterdir()
        if entry.name != "__pycache__"
        and not (entry.is_file() and entry.name in VIEW_MODULES)
        and not (entry.is_dir() and entry.name in audiences)
    )
    assert not stray_views, f"{app}/views: only {sorted(VIEW_MODULES)}, not {stray_views}"
    for package in (views / name for name in audiences):
        if package.is_dir():
            assert not (views / f"{package.name}.py").exists(), f"{package} and its module"
            assert (package / "__init__.py").exists(), f"{package}: not a package"
            nested = [p.name for p in package.iterdir() if p.is_dir() and p.name != "__pycache__"]
            assert not nested, f"{package}: no deeper packages, found {nested}"


@pytest.mark.parametrize("app", APPS)
def test_no_module_passes_the_size_limit(app: str) -> None:
    too_long = {
        str(path.relative_to(ROOT)): count
        for path in _modules(app)
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("app", APPS)
def test_other_apps_are_reached_only_through_their_api(app: str) -> None:
    others = [other for other in APPS if other != app]
    offending = []
    for path in _modules(app):
        for name in _imported_modules(path):
            top, _, rest = name.partition(".")
            if top in others and rest != "api":
                offending.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offending, "\n".join(offending)
