"""sitegen: a static-site generator for IMR final determination letters."""

__version__ = "0.1.0"
