"""The choke point holds by construction: what renders, downloads or audits the site reads only
the published model, never the raw data model, the loader or the publishing step itself."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "plugins" / "transparency"
# Everything that turns the published site into what readers get, and the audit that reads
# it as an attacker would.
READERS_OF_THE_PUBLISHED_SITE = (
    "tables", "charts", "trend_table", "chart_pages", "chart_render", "downloads", "ees_downloads", "pdf",
    "references",
    "trends", "templating", "output_audit", "linkcheck", "knowledge", "knowledge_model",
    "knowledge_period", "knowledge_populations", "audit", "published", "printed",
    # The narrative lint reads text, with hidden numbers handed to it as plain numbers.
    "lint", "lint_combined", "lint_findings", "lint_narrowing", "numbers", "reader_text",
    "reader_data",
)
# The raw data and what reads or computes on it (suppress.py is rules over plain keys, and
# terms.py the shared vocabulary: both hold no data).
# The publishing step: publish.py and the modules it is made of.
PUBLISHING = {"publish", "publish_tables", "quantities", "publish_relations", "period_cure",
              "corrections", "lookalikes", "lookalike_cells", "lookalike_known", "lookalike_sums"}
RAW = {"model", "load", "load_fields", "load_csv", "load_entries", "load_tables",
       "load_relations", "retime", "metrics", "workbook", "scaffold", "revisions", "pipeline",
       "ees", "ees_read", "ees_select", "balances", *PUBLISHING}


def _imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:  # from . import x, y
                found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("transparency"):
            found.add((node.module or "").split(".")[1] if "." in (node.module or "") else "")
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("transparency.")}
    return found


def test_renderers_and_the_audit_never_import_the_raw_model_or_the_loader():
    for module in READERS_OF_THE_PUBLISHED_SITE:
        assert not _imports(module) & RAW, (module, _imports(module) & RAW)


def _names_from_published(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and node.level >= 1 and node.module == "published" for alias in node.names}


def test_only_the_publishing_step_may_give_a_published_value_a_number():
    # Value(number) needs the Issuer; every reader of the published site goes without it.
    for module in READERS_OF_THE_PUBLISHED_SITE:
        if module != "published":
            assert "Issuer" not in _names_from_published(module), module
    # Within the publishing step, only the table step holds it (ISSUED), and the others
    # take it from there: one place gives numbers.
    holders = {m for m in PUBLISHING if "Issuer" in _names_from_published(m)}
    assert holders == {"publish_tables"}, holders


def test_the_boundary_check_sees_every_kind_of_import(tmp_path, monkeypatch):
    # It can fail: each way of writing an import of the raw model is caught.
    for text in ("from .model import Table", "from . import model", "from .load import load_site",
                 "import transparency.model", "from transparency.publish import publish_site"):
        (tmp_path / "probe.py").write_text(text + "\n", encoding="utf-8")
        monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path)
        assert _imports("probe") & RAW, text


# What only the audit may read of the published model: the number of children each
# percentage is of (never printed; the audit turns percentages back into counts with them),
# and how far a stock and flow's raw figures are from balancing (a hidden flow's value, given
# the published ones).
AUDIT_ONLY_FIELDS = {"bases", "own_difference"}
# The audit's model of what a reader knows is knowledge.py and the modules it is made of.
KNOWLEDGE = {"knowledge", "knowledge_model", "knowledge_period", "knowledge_populations"}
AUDIT_MODULES = {*KNOWLEDGE, "audit", "published"}


def _attributes_read(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    read = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    # Copying every field (asdict, vars, __dict__) reads them all.
    calls = {node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
             for node in ast.walk(tree) if isinstance(node, ast.Call)}
    if calls & {"asdict", "astuple", "vars"} or "__dict__" in read:
        read |= AUDIT_ONLY_FIELDS
    # getattr(table, "bases") is a read too.
    read |= {node.args[1].value for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Name) and node.func.id == "getattr"
             and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)}
    return read


def test_only_the_audit_reads_the_bases_of_percentages():
    readers = {m.stem for m in PACKAGE.glob("*.py")} - AUDIT_MODULES - RAW
    for module in sorted(readers):
        assert not _attributes_read(module) & AUDIT_ONLY_FIELDS, module
    assert "bases" in set().union(*(_attributes_read(m) for m in KNOWLEDGE))
    assert "own_difference" in _attributes_read("audit")


def test_the_audit_only_check_sees_a_read(tmp_path, monkeypatch):
    for text in ("x = table.bases", "x = getattr(table, 'bases')", "x = asdict(table)",
                 "x = dataclasses.asdict(table)", "x = vars(table)", "x = table.__dict__"):
        (tmp_path / "probe.py").write_text(text + "\n", encoding="utf-8")
        monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path)
        assert _attributes_read("probe") & AUDIT_ONLY_FIELDS, text


# The Pelican adapter is the only module that imports Pelican, besides the invoke tasks and the
# preview (preview.py), which run it; importing the package (as any core module does) loads
# none of it (issue 16: a thin adapter).
PELICAN_MODULES = {"adapter", "tasks", "preview"}


def test_the_core_imports_without_pelican():
    import subprocess
    import sys

    core = sorted(m.stem for m in PACKAGE.glob("*.py")
                  if m.stem not in PELICAN_MODULES and m.stem not in ("__init__", "__main__"))
    assert {"suppress", "audit", "load", "publish", "charts", "pages"} <= set(core)
    probe = ("import sys, importlib\n"
             f"for name in {core!r}:\n"
             "    importlib.import_module('transparency.' + name)\n"
             "print(sorted(m for m in sys.modules if m == 'pelican' or m.startswith('pelican.')))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]", result.stdout
    # And the package itself registers the adapter only when Pelican asks.
    init = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    top_imports = [n for n in init.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert all(not (isinstance(n, ast.ImportFrom) and n.level) for n in top_imports)


def test_no_engine_module_is_over_500_lines():
    # Issue 16: modules that do one job; a module past 500 lines is doing more than one.
    long = {p.name: n for p in PACKAGE.glob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}
