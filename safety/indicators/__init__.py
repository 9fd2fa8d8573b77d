"""What managers read: the injury indicators and their changes, the dashboard's tiles and series, its charts, and
the programme's figures for the home page."""

__all__ = ["arrow", "charts", "dashboard", "figures", "formulas", "programme", "registry"]
