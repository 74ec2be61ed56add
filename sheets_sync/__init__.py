"""sheets-sync: the quarterly marketing roadmap, kept in a spreadsheet and kept honest."""

__version__ = "0.1.0"
