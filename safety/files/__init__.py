"""Files in and out: reading any spreadsheet a user uploads, the import core every source shares (tables), the
one .xlsx writer, the one PDF writer, the dates real sheets hold, the text a cell may hold, and validation that
names the place of every problem."""

__all__ = ["dates", "pdf", "reader", "tables", "text", "validation", "writer"]
