"""Loads the taggers' knowledge files bundled in `extractor/data/`.

Knowledge is data kept next to the code, read once per process through
importlib.resources so it works from an installed wheel as well as a checkout.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_data(name: str) -> Any:
    """The parsed JSON file `extractor/data/<name>`, cached for the process."""
    with resources.files("extractor.data").joinpath(name).open(encoding="utf-8") as handle:
        return json.load(handle)
