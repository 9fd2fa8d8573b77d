"""Streamlit pages: they lay out widgets and call functions of the safety library."""
