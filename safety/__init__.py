"""Vision Zero Tracker's headless library (it never imports streamlit).

Areas, each a package: `register`, `checklists`, `incidents`, `indicators`, `access` and `files`, over the store
in `db`. At the top: `cli` (the command line) and `demo` (the fictional demo data); below everything: `errors`,
`i18n` (the ru/kk/en catalogue) and `identifiers` (the BIN). pyproject.toml's import-linter contracts keep the
layers.
"""

__version__ = "0.1.0"
