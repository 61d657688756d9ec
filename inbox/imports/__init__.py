"""Contact files: reading a CSV upload as a stream, checking each row, the import report, and export.

The database work of an import lives in inbox/actions/imports.py; this package only reads and checks.
"""
