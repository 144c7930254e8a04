"""`python -m assistant` runs the `wenda` command line."""

from assistant.cli import app

app(prog_name="wenda")
