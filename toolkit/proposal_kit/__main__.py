"""``python -m proposal_kit``."""

from .cli import main

main()
