"""Where annotation runs: in this process, in a pool of local processes, or on Dask workers.

Every engine takes screened `DocRecord`s (readable, unique, not yet written),
annotates them in batches with `work.annotate_batch`, and hands back batches
encoded in the output format, so the writer's process never re-serialises a
`Doc`. Engines take any spaCy `Language` (or, where it must be loaded on
another machine, its name or saved directory) and know nothing about labels.
"""


class EngineError(Exception):
    """An engine cannot run as asked (a missing extra, an unsupported platform, ...)."""
