"""``python -m cleaner`` runs the ``cleaner`` command."""

from cleaner.cli import main

main()
