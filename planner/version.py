"""The package's version, in a module of its own so that the files it writes can name it."""

__version__ = "0.1.0"
