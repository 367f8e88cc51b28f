"""The worker-side pipeline loader: each worker process loads a pipeline once.

Tasks name the pipeline ('default' or a saved directory) instead of carrying
the `Language` object, which is large and slow to serialise; the first task on
a worker loads it and later tasks on that process reuse it.
"""

from __future__ import annotations

import functools

from spacy.language import Language


@functools.cache
def load_pipeline(name_or_path: str) -> Language:
    """The pipeline `extractor.load(name_or_path)` gives, loaded once per process."""
    from extractor.pipeline import load

    return load(name_or_path)
