"""``python -m sheets_sync``."""

from .cli import main

main()
