"""trioquest: the Quest scripting language on CPython, with async/await on Trio."""

__version__ = "0.1.0"
