"""Limits the library and the command line share, in a module the command line can import
without loading spaCy."""

#: The longest document annotated by default: a whole statute or a year of answers fits.
DEFAULT_MAX_CHARS = 20_000_000
