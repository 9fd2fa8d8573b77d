"""The safety library never imports streamlit: every module loads in a fresh interpreter without it."""

import subprocess
import sys

from conftest import ROOT

SCRIPT = """
import importlib, pkgutil, sys
import safety
for module in pkgutil.walk_packages(safety.__path__, "safety."):
    if module.name != "safety.__main__":
        importlib.import_module(module.name)
loaded = sorted(name for name in sys.modules if name.startswith("safety"))
assert len(loaded) > 10, loaded
bad = sorted(name for name in sys.modules if name == "streamlit" or name.startswith("streamlit."))
print("streamlit modules:", bad)
sys.exit(1 if bad else 0)
"""


def test_safety_imports_without_streamlit():
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_hold_no_sql_or_connections():
    sources = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for needle in ("duckdb", ".execute(", "SELECT ", "INSERT ", "UPDATE ", "DELETE "):
            assert needle not in text, f"{path.name} holds {needle!r}: SQL belongs in safety/db"
