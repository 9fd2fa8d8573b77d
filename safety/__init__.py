"""Vision Zero Tracker's headless library: store, register, demo data, languages. It never imports streamlit."""

__version__ = "0.1.0"
