"""`python -m orchestron.dashboard`: the same as `orchestron-dashboard`."""

from orchestron.dashboard import main

main()
