"""Refusing pipeline directories that could run code when loaded.

A saved pipeline is a folder a user may have received from anyone. spaCy reads
its own files as msgpack and JSON, and extractor's components read JSON and
safetensors, so nothing in a sound pipeline needs pickle or imports code named
by the folder. `check_pipeline_dir` is run by `extractor.load` before
`spacy.load`, and refuses, with the file and the reason:

- files of a pickle-based format, by suffix: .pkl .pickle .joblib .dill .pt .pth .ckpt;
- any file whose bytes are a pickle (protocol 2 and later start with 0x80 and the
  protocol number), whatever its suffix, and any zip file (PyTorch's format,
  .npz) holding a pickle entry: this catches a `.bin` or a `.json` swapped for a
  pickle, while spaCy's own msgpack `vocab/lookups.bin` passes;
- `.npy` and `.npz` arrays of dtype object (numpy stores those pickled);
- a `config.cfg` naming a registered function that neither spaCy, thinc nor
  extractor provides (an `@callbacks`, `@misc`, ... of another package, or
  one not installed at all), a non-empty `code` setting, or a component
  `source` (which makes spaCy load a second pipeline by name or path).

Pickle protocols 0 and 1 are plain text and cannot be told from other text by
their bytes; they are harmless here because nothing spaCy or extractor loads
from a pipeline directory unpickles a file.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".dill", ".pt", ".pth", ".ckpt")
ARRAY_SUFFIXES = (".npy", ".npz")
TRUSTED_MODULES = ("spacy", "spacy_legacy", "thinc", "extractor")
_PICKLE_PROTOCOLS = range(2, 6)


class UnsafePipelineError(ValueError):
    """A pipeline directory holds something that could run code when loaded (file and reason in the message)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: refusing to load this pipeline: {reason}")
        self.path = path
        self.reason = reason


def _is_pickle(head: bytes) -> bool:
    return len(head) >= 2 and head[0] == 0x80 and head[1] in _PICKLE_PROTOCOLS


def _zip_problem(path: Path) -> str | None:
    """Why a zip file (PyTorch checkpoint, .npz) is unsafe, or None."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.endswith((".pkl", ".pickle")):
                    return f"a zip holding a pickle ({info.filename})"
                with archive.open(info) as member:
                    head = member.read(128)
                if _is_pickle(head):
                    return f"a zip holding a pickle ({info.filename})"
                if info.filename.endswith(".npy") and _npy_is_object(head):
                    return f"an array of Python objects ({info.filename}), which numpy stores pickled"
    except (zipfile.BadZipFile, OSError) as err:
        return f"an unreadable zip file ({err})"
    return None


def _npy_is_object(head: bytes) -> bool:
    """True when a .npy header (its first bytes) declares an object dtype, or cannot be read."""
    if not head.startswith(b"\x93NUMPY"):
        return True
    return "'O'" in head.decode("latin-1") or "|O" in head.decode("latin-1")


def file_problem(path: Path) -> str | None:
    """Why one file could run code if a loader read it, or None."""
    suffix = path.suffix.lower()
    if suffix in PICKLE_SUFFIXES:
        return f"a {suffix} file is pickle-based and could run code when read"
    with path.open("rb") as handle:
        head = handle.read(128)
    if _is_pickle(head):
        return "the file is a pickle, which could run code when read"
    if suffix == ".npy" and _npy_is_object(head):
        return "an array of Python objects, which numpy stores pickled"
    if head.startswith(b"PK\x03\x04"):
        return _zip_problem(path)
    return None


def _walk(section: Mapping[str, Any], where: str) -> Iterator[tuple[str, str, Any]]:
    for key, value in section.items():
        if isinstance(value, Mapping):
            yield from _walk(value, f"{where}.{key}" if where else key)
        else:
            yield where, key, value


def _function_module(registry_name: str, func_name: str) -> str | None:
    """The module of a registered function, or None when it is not registered."""
    from spacy.util import registry

    try:
        return registry.get(registry_name, func_name).__module__ or ""
    except Exception:  # catalogue raises RegistryError; an unknown registry name raises too
        return None


def config_problem(path: Path) -> str | None:
    """Why a config could make spaCy import or load code outside spaCy, thinc and extractor, or None."""
    from thinc.api import Config

    try:
        config = Config().from_disk(path, interpolate=False)
    except Exception as err:  # thinc raises ConfigValidationError, configparser errors, ...
        return f"config.cfg cannot be read ({err})"
    for section, key, value in _walk(config, ""):
        if key.startswith("@") and isinstance(value, str):
            module = _function_module(key[1:], value)
            if module is None:
                return f"[{section}] {key} = {value!r} is not a function spaCy, thinc or extractor provides"
            if module.split(".")[0] not in TRUSTED_MODULES:
                return f"[{section}] {key} = {value!r} runs code from {module}, outside spaCy, thinc and extractor"
        elif key == "code" and value not in (None, "", "null"):
            return f"[{section}] code = {value!r} names code to import"
        elif key == "source" and section.startswith("components.") and value not in (None, ""):
            return f"[{section}] source = {value!r} loads another pipeline"
    return None


def check_pipeline_dir(path: str | Path) -> Path:
    """`path` if it is a pipeline directory that can be loaded without running code from it; else raise.

    Raises `UnsafePipelineError` naming the first offending file and why.
    """
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such pipeline directory")
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        problem = file_problem(file)
        if problem is not None:
            raise UnsafePipelineError(file, problem)
    config = path / "config.cfg"
    if config.is_file():
        problem = config_problem(config)
        if problem is not None:
            raise UnsafePipelineError(config, problem)
    return path
