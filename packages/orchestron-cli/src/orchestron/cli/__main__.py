"""`python -m orchestron.cli` runs the command line."""

from orchestron.cli import main

main()
