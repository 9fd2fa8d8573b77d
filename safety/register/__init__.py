"""The enterprise register: enterprises and their yearly headcount, their .xlsx import and export, and the
region's districts and industries."""

__all__ = ["enterprises", "geography", "spreadsheets"]
