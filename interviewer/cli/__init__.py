"""Command-line interface. Handlers import heavy modules lazily so `--help` stays fast."""
