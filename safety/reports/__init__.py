"""Reports: the regional Vision Zero report, the enterprise report card and the dashboard's workbook, each built
as one report model (safety/reports/model.py) and rendered as PDF or .xlsx."""
