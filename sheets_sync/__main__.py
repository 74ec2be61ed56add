"""``python -m sheets_sync``."""

from sheets_sync.cli import main

main()
