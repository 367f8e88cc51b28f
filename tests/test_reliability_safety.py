"""Loading a pipeline or a data file never unpickles or imports code from a file a user received.

Each hostile file holds a live payload: unpickling it creates a marker file.
The tests check the load is refused with a message naming the file, and that
the marker never appears.
"""

from __future__ import annotations

import builtins
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

import extractor
from extractor.safety import UnsafePipelineError, check_pipeline_dir

MODELS = Path(__file__).resolve().parents[1] / "models"
SHIPPED = ("claim-filter", "ner", "spancat", "hybrid")


class _Payload:
    """Unpickling this opens (so creates) `marker`: proof that a loader ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (builtins.open, (self.marker, "w"))


def _payload_bytes(marker: Path) -> bytes:
    return pickle.dumps(_Payload(marker), protocol=4)


@pytest.fixture
def claim_filter_copy(tmp_path: Path) -> Path:
    target = tmp_path / "claim-filter"
    shutil.copytree(MODELS / "claim-filter", target)
    return target


def test_the_payload_is_live(tmp_path):
    marker = tmp_path / "ran"
    pickle.loads(_payload_bytes(marker))
    assert marker.exists()


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_pipelines_pass_the_check(name):
    assert check_pipeline_dir(MODELS / name) == MODELS / name


def test_a_sound_copy_still_loads(claim_filter_copy):
    nlp = extractor.load(claim_filter_copy)
    assert "claim_filter" in nlp.pipe_names
    assert nlp.max_length == 20_000_000


@pytest.mark.parametrize(
    "where",
    ["model.pkl", "weights.joblib", "claim_filter/state.pt", "claim_filter/extra.pth", "vocab/extra.pickle"],
)
def test_pickle_suffix_in_model_or_component_dir_is_refused(claim_filter_copy, tmp_path, where):
    marker = tmp_path / "ran"
    (claim_filter_copy / where).write_bytes(_payload_bytes(marker))
    with pytest.raises(UnsafePipelineError, match="refusing to load") as caught:
        extractor.load(claim_filter_copy)
    assert Path(where).name in str(caught.value)
    assert not marker.exists()


def test_pickle_bytes_under_any_suffix_are_refused(claim_filter_copy, tmp_path):
    marker = tmp_path / "ran"
    (claim_filter_copy / "claim_filter" / "pytorch_model.bin").write_bytes(_payload_bytes(marker))
    with pytest.raises(UnsafePipelineError, match="pytorch_model.bin.*is a pickle"):
        extractor.load(claim_filter_copy)
    assert not marker.exists()


def test_claim_filter_json_swapped_for_a_pickle_is_refused(claim_filter_copy, tmp_path):
    marker = tmp_path / "ran"
    (claim_filter_copy / "claim_filter" / "claim_filter.json").write_bytes(_payload_bytes(marker))
    with pytest.raises(UnsafePipelineError, match=r"claim_filter\.json: refusing to load this pipeline: .*pickle"):
        extractor.load(claim_filter_copy)
    assert not marker.exists()


def test_zip_checkpoint_holding_a_pickle_is_refused(claim_filter_copy, tmp_path):
    import zipfile

    marker = tmp_path / "ran"
    with zipfile.ZipFile(claim_filter_copy / "claim_filter" / "weights.bin", "w") as archive:
        archive.writestr("archive/data.pkl", _payload_bytes(marker))
    with pytest.raises(UnsafePipelineError, match="zip holding a pickle"):
        extractor.load(claim_filter_copy)
    assert not marker.exists()


def test_object_arrays_are_refused_plain_arrays_pass(claim_filter_copy):
    np.save(claim_filter_copy / "plain.npy", np.arange(4))
    np.savez(claim_filter_copy / "plain.npz", a=np.arange(4))
    check_pipeline_dir(claim_filter_copy)
    np.save(claim_filter_copy / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(UnsafePipelineError, match="objects.npy.*Python objects"):
        check_pipeline_dir(claim_filter_copy)
    (claim_filter_copy / "objects.npy").unlink()
    np.savez(claim_filter_copy / "objects.npz", a=np.array([{"a": 1}], dtype=object))
    with pytest.raises(UnsafePipelineError, match="objects.npz"):
        check_pipeline_dir(claim_filter_copy)


def _append_to_config(folder: Path, text: str, replaces: str) -> None:
    """Add a section to the config, dropping the `replaces = null` setting it stands for."""
    config = folder / "config.cfg"
    original = config.read_text(encoding="utf-8")
    assert f"{replaces} = null\n" in original
    config.write_text(original.replace(f"{replaces} = null\n", "", 1) + "\n" + text, encoding="utf-8")


@pytest.mark.parametrize(
    ("addition", "replaces"),
    [
        ('[initialize.before_init]\n@callbacks = "evil_module.run.v1"\n', "before_init"),
        ('[nlp.after_creation]\n@callbacks = "customize_nlp.v1"\n', "after_creation"),
    ],
)
def test_config_naming_foreign_code_is_refused(claim_filter_copy, addition, replaces):
    _append_to_config(claim_filter_copy, addition, replaces)
    with pytest.raises(UnsafePipelineError, match="not a function spaCy, thinc or extractor") as caught:
        extractor.load(claim_filter_copy)
    assert "config.cfg" in str(caught.value)


def test_config_code_path_and_sourced_component_are_refused(claim_filter_copy, tmp_path):
    config = claim_filter_copy / "config.cfg"
    original = config.read_text(encoding="utf-8")
    config.write_text(original.replace("[paths]\n", '[paths]\ncode = "my_code.py"\n', 1), encoding="utf-8")
    with pytest.raises(UnsafePipelineError, match="code = 'my_code.py' names code to import"):
        extractor.load(claim_filter_copy)
    config.write_text(original.replace("[components.claim_filter]\n", '[components.claim_filter]\nsource = "x"\n', 1))
    with pytest.raises(UnsafePipelineError, match="source = 'x' loads another pipeline"):
        extractor.load(claim_filter_copy)


def test_docbin_reading_never_unpickles(tmp_path):
    """Gold and DocBin files are parsed as JSON or msgpack only: a pickle in a .spacy file is a clear error."""
    from extractor.convert import convert

    marker = tmp_path / "ran"
    source = tmp_path / "evil.spacy"
    source.write_bytes(_payload_bytes(marker))
    summary = convert(source, tmp_path / "out.jsonl", "docbin", "jsonl")
    assert summary.written == 0
    assert summary.errors and "not a spaCy DocBin file" in str(summary.errors[0])
    assert str(source) in str(summary.errors[0])
    jsonl = tmp_path / "evil.jsonl"
    jsonl.write_bytes(_payload_bytes(marker) + b"\n")
    summary = convert(jsonl, tmp_path / "out2.jsonl", "jsonl", "jsonl")
    assert summary.written == 0 and summary.errors
    assert not marker.exists()


def test_annotate_cli_refuses_an_unsafe_pipeline_without_a_traceback(claim_filter_copy, tmp_path):
    from typer.testing import CliRunner

    from extractor.cli import app

    marker = tmp_path / "ran"
    (claim_filter_copy / "model.pkl").write_bytes(_payload_bytes(marker))
    source = tmp_path / "in.txt"
    source.write_text("The Home Office said so.", encoding="utf-8")
    arguments = ["annotate", str(source), "-o", str(tmp_path / "o.jsonl"), "-p", str(claim_filter_copy)]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "model.pkl: refusing to load this pipeline" in result.output
    assert not marker.exists()
