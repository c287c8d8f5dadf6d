"""The house rules of DESIGN.md, checked on the code itself: sizes, the direction of imports between apps, no
other app's private names, the campaigns app's top level, and status values never written into SQL by hand.
(Complexity over 15 is ruff's C901, run by `make lint`.)"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps

ROOT = Path(__file__).resolve().parents[2]
APPS = ["campaigns", "surveys", "ideas", "cms", "reports", "api", "config"]
# Which apps each app may import (DESIGN.md, "Which way the imports run").
MAY_IMPORT = {
    "config": {"api", "cms", "reports", "ideas", "surveys", "campaigns"},
    "api": {"reports", "ideas", "surveys", "campaigns"},
    "cms": {"ideas", "surveys", "campaigns"},
    "reports": {"ideas", "surveys", "campaigns"},
    "ideas": {"campaigns"},
    "surveys": {"campaigns"},
    "campaigns": set(),
}
MODULE_LINES = 400
FUNCTION_LINES = 40
CAMPAIGNS_TOP_LEVEL = 12


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def parsed():
    for app, path in app_modules():
        yield app, path, ast.parse(path.read_text(), filename=str(path))


def where(path, node=None):
    return f"{path.relative_to(ROOT)}" + (f":{node.lineno}" if node is not None else "")


def imports(tree):
    """(node, module, [names]) of every import, at any depth (imports inside functions count too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node, node.module, [alias.name for alias in node.names]


def test_no_app_module_is_over_400_lines():
    long = [
        f"{where(path)} ({count})"
        for _app, path in app_modules()
        if (count := len(path.read_text().splitlines())) > MODULE_LINES
    ]
    assert not long, f"modules over {MODULE_LINES} lines: {long}"


def test_no_app_function_is_over_40_lines():
    long = [
        f"{where(path, node)} {node.name} ({node.end_lineno - node.lineno + 1})"
        for _app, path, tree in parsed()
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > FUNCTION_LINES
    ]
    assert not long, f"functions over {FUNCTION_LINES} lines: {long}"


def test_campaigns_keeps_its_usual_files_and_public_seams_at_the_top_level():
    top = sorted(path.name for path in (ROOT / "campaigns").glob("*.py"))
    assert len(top) <= CAMPAIGNS_TOP_LEVEL, top


def test_no_module_collects_unrelated_things_under_a_vague_name():
    vague = [where(path) for _app, path in app_modules() if path.stem in {"utils", "helpers", "misc", "common"}]
    assert not vague


def test_imports_between_apps_run_the_way_design_says():
    wrong = []
    for app, path, tree in parsed():
        for node, module, _names in imports(tree):
            other = module.split(".")[0]
            if other in MAY_IMPORT and other != app and other not in MAY_IMPORT[app]:
                wrong.append(f"{where(path, node)}: {app} imports {module}")
    assert not wrong, wrong


def test_no_app_imports_another_apps_private_names():
    private = []
    for app, path, tree in parsed():
        for node, module, names in imports(tree):
            other = module.split(".")[0]
            if other not in MAY_IMPORT or other == app:
                continue
            hidden = [part for part in module.split(".") + names if part.startswith("_") and part != "__init__"]
            if hidden:
                private.append(f"{where(path, node)}: {module} {hidden}")
    assert not private, private


@pytest.fixture(scope="module")
def choice_values():
    """Every value of the models' choices ('live', 'queued', 'approved'...)."""
    values = set()
    for model in django_apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and value:
                    values.add(value)
    return values


SQL = re.compile(r"\b(SELECT|UPDATE|INSERT INTO|DELETE FROM|WHERE)\b")
QUOTED = re.compile(r"'([a-z_]+)'")


def test_hand_written_sql_takes_status_values_as_parameters(choice_values):
    assert {"live", "queued", "approved"} <= choice_values
    found = []
    for _app, path, tree in parsed():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
                literals = set(QUOTED.findall(node.value)) & choice_values
                if literals:
                    found.append(f"{where(path, node)}: {sorted(literals)}")
    assert not found, f"status values written into SQL (pass them as parameters from the choices): {found}"
