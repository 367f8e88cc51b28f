"""A fine-tuned transformer token classifier as a spaCy component (`transformer_tagger`).

The model tags sub-words; the guidelines' contract is character offsets. So:
- the text is encoded with its offset mapping, in windows of `max_length`
  sub-words that overlap by `stride` (as transformers' token-classification
  pipeline does), so a long document is never cut; a sub-word seen by several
  windows takes its scores from the one where it has the most context on both
  sides (BERT's "max context" rule);
- sub-word tags become word tags by transformers' "first" aggregation (a word
  takes the tag of its first sub-word), where the words are the Doc's tokens:
  the project's tokenizer puts a boundary wherever the guidelines put a span
  edge, and spans built from whole tokens always land on exact character
  offsets that spaCy can hold;
- word tags become spans by transformers' "simple" grouping: B- opens a span,
  I- of the same label extends it, anything else closes it.
LEGAL_DEFINITION spans contain other spans, which one BIO sequence cannot
express, so the classifier's outputs are split into tag layers (a "flat" layer
for the labels that never overlap, a "nested" one for the container label),
each with its own softmax and loss: two heads in one linear layer, which keeps
the model a stock `AutoModelForTokenClassification`.

Results go to the component's own span group (`doc.spans["transformer"]` by
default) without attributes; the resolver merges it with the rule taggers and
fills attributes. A model directory holds safetensors weights, the tokenizer
files and `tagger.json` (tag layers and window sizes) and nothing pickled: a
directory with a pickle-format file in it is refused before anything is read.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import SimpleFrozenList

from extractor.labels import CONTAINER_LABELS, LABELS
from extractor.spans import make_span, register_extensions

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase


def _require(module: str) -> Any:
    """Import torch or transformers when the component is used, not when it is registered.

    spaCy imports every registered factory's module when it loads any pipeline, so
    importing torch at module level would slow every load by seconds and break
    installations without the "train" extra.
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:  # the component needs the "train" extra
        raise ImportError(
            "the transformer_tagger component needs torch and transformers: pip install 'extractor[train]'"
        ) from err

#: The span group the component writes to by default; the resolver reads it as a source.
TRANSFORMER_KEY = "transformer"
SETTINGS_FILE = "tagger.json"
SETTINGS_FORMAT = "extractor.transformer_tagger"
SETTINGS_VERSION = 1
OUTSIDE = "O"
#: Label id PyTorch's cross-entropy skips: special tokens and padding.
IGNORE_INDEX = -100
#: File kinds that PyTorch or pickle would unpickle on load, i.e. that may run code.
UNSAFE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")


class UnsafeModelDirError(ValueError):
    """A model directory that holds pickle-format files or no safetensors weights."""


# --- tag layers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TagLayer:
    """One BIO tag sequence over the sub-words, for labels whose spans never overlap each other."""

    name: str
    labels: tuple[str, ...]

    @property
    def tags(self) -> tuple[str, ...]:
        return (OUTSIDE, *(f"{prefix}-{label}" for label in self.labels for prefix in ("B", "I")))


@dataclass(frozen=True)
class TagScheme:
    """The tag layers, laid end to end along the classifier's outputs."""

    layers: tuple[TagLayer, ...]

    @classmethod
    def default(cls) -> TagScheme:
        """A flat layer for the labels that never overlap, a nested one for LEGAL_DEFINITION."""
        flat = tuple(label for label in LABELS if label not in CONTAINER_LABELS)
        nested = tuple(label for label in LABELS if label in CONTAINER_LABELS)
        return cls((TagLayer("flat", flat), TagLayer("nested", nested)))

    @property
    def size(self) -> int:
        return sum(len(layer.tags) for layer in self.layers)

    def slices(self) -> list[tuple[int, int]]:
        """Each layer's [start, stop) range of classifier outputs."""
        bounds, start = [], 0
        for layer in self.layers:
            bounds.append((start, start + len(layer.tags)))
            start += len(layer.tags)
        return bounds

    def id2label(self) -> dict[int, str]:
        """Names for the model config, so a saved model says what each output means."""
        names = [f"{layer.name}:{tag}" for layer in self.layers for tag in layer.tags]
        return dict(enumerate(names))

    def layer_of(self, label: str) -> int | None:
        return next((i for i, layer in enumerate(self.layers) if label in layer.labels), None)

    def to_dict(self) -> list[dict[str, Any]]:
        return [{"name": layer.name, "labels": list(layer.labels)} for layer in self.layers]

    @classmethod
    def from_dict(cls, data: list[dict[str, Any]]) -> TagScheme:
        return cls(tuple(TagLayer(str(layer["name"]), tuple(layer["labels"])) for layer in data))


@dataclass(frozen=True)
class TaggerSettings:
    """What a model directory needs besides weights and tokenizer: its tags and window sizes."""

    scheme: TagScheme
    max_length: int
    stride: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": SETTINGS_FORMAT,
            "version": SETTINGS_VERSION,
            "layers": self.scheme.to_dict(),
            "max_length": self.max_length,
            "stride": self.stride,
        }

    @classmethod
    def read(cls, path: Path) -> TaggerSettings:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"{path}: missing; this is not a transformer_tagger model directory") from None
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}:{err.lineno}: malformed JSON ({err.msg})") from None
        if data.get("format") != SETTINGS_FORMAT or data.get("version") != SETTINGS_VERSION:
            raise ValueError(
                f"{path}: not a {SETTINGS_FORMAT} v{SETTINGS_VERSION} settings file "
                f"(format {data.get('format')!r}, version {data.get('version')!r})"
            )
        try:
            return cls(TagScheme.from_dict(data["layers"]), int(data["max_length"]), int(data["stride"]))
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{path}: bad settings ({err!r})") from None


# --- windows over sub-words -----------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """One model input: sub-word ids and their character offsets (None for special tokens)."""

    input_ids: list[int]
    offsets: list[tuple[int, int] | None]


def check_window_sizes(tokenizer: PreTrainedTokenizerBase, max_length: int, stride: int) -> None:
    """Windows must hold more than the overlap, or they would never advance through the text."""
    room = max_length - tokenizer.num_special_tokens_to_add(pair=False)
    if stride < 0 or room <= stride:
        raise ValueError(
            f"window of max_length {max_length} holds {room} sub-words besides special tokens, "
            f"which must be more than the stride ({stride})"
        )


def encode_windows(tokenizer: PreTrainedTokenizerBase, text: str, max_length: int, stride: int) -> list[Window]:
    """The text as overlapping windows of at most `max_length` sub-words, special tokens included."""
    encoding = tokenizer(
        text,
        max_length=max_length,
        stride=stride,
        truncation=True,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        return_special_tokens_mask=True,
    )
    windows = []
    for ids, offsets, special in zip(
        encoding["input_ids"], encoding["offset_mapping"], encoding["special_tokens_mask"], strict=True
    ):
        spans = [
            None if is_special or start == end else (int(start), int(end))
            for (start, end), is_special in zip(offsets, special, strict=True)
        ]
        windows.append(Window(list(ids), spans))
    return windows


def pad_id(tokenizer: PreTrainedTokenizerBase) -> int:
    """The id that fills short windows in a batch; the attention mask hides it, so any id will do."""
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0


def window_logits(
    model: PreTrainedModel, windows: Sequence[Window], pad_id: int, batch_size: int
) -> list[np.ndarray]:
    """The classifier's scores for every position of every window, run `batch_size` windows at a time."""
    device = next(model.parameters()).device
    results: list[np.ndarray] = []
    torch = _require("torch")
    with torch.inference_mode():
        for start in range(0, len(windows), batch_size):
            batch = windows[start : start + batch_size]
            width = max(len(w.input_ids) for w in batch)
            ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, window in enumerate(batch):
                ids[row, : len(window.input_ids)] = torch.tensor(window.input_ids)
                mask[row, : len(window.input_ids)] = 1
            logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float().cpu().numpy()
            results += [logits[row, : len(window.input_ids)] for row, window in enumerate(batch)]
    return results


def best_context_scores(
    windows: Sequence[Window], logits: Sequence[np.ndarray]
) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Each sub-word once, in text order, with its scores from the window where it has most context."""
    best: dict[tuple[int, int], tuple[int, np.ndarray]] = {}
    for window, scores in zip(windows, logits, strict=True):
        content = [i for i, offset in enumerate(window.offsets) if offset is not None]
        for rank, position in enumerate(content):
            context = min(rank, len(content) - 1 - rank)
            offset = window.offsets[position]
            if offset not in best or context > best[offset][0]:
                best[offset] = (context, scores[position])
    subwords = sorted(best)
    width = logits[0].shape[-1] if len(logits) else 0
    matrix = np.stack([best[s][1] for s in subwords]) if subwords else np.zeros((0, width), dtype=np.float32)
    return subwords, matrix


# --- from sub-word tags to spans ------------------------------------------------------------------


def _continuation(tag: str) -> str:
    return f"I-{tag[2:]}" if tag.startswith("B-") else tag


def word_tags(subwords: Sequence[tuple[int, int]], tags: Sequence[str], words: Sequence[tuple[int, int]]) -> list[str]:
    """One tag per word: the tag of its first sub-word (transformers' "first" aggregation).

    A word that begins inside a sub-word (the tokenizer split where the encoder
    did not) continues that sub-word's span; a word with no sub-word at all
    (characters the encoder drops) is outside every span.
    """
    starts = [start for start, _ in subwords]
    found = []
    for word_start, word_end in words:
        index = bisect_left(starts, word_start)
        if index < len(starts) and starts[index] < word_end:
            found.append(tags[index])
        elif index > 0 and subwords[index - 1][1] > word_start:
            found.append(_continuation(tags[index - 1]))
        else:
            found.append(OUTSIDE)
    return found


def group_spans(words: Sequence[tuple[int, int]], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Spans from word tags (transformers' "simple" grouping): B- opens, I- of the same label extends."""
    spans: list[list[Any]] = []
    is_open = False
    for (start, end), tag in zip(words, tags, strict=True):
        if tag == OUTSIDE:
            is_open = False
            continue
        prefix, label = tag.split("-", 1)
        if is_open and prefix == "I" and spans[-1][2] == label:
            spans[-1][1] = end
        else:
            spans.append([start, end, label])
            is_open = True
    return [(start, end, label) for start, end, label in spans]


def decode(
    scheme: TagScheme,
    subwords: Sequence[tuple[int, int]],
    scores: np.ndarray,
    words: Sequence[tuple[int, int]],
) -> list[tuple[int, int, str]]:
    """Spans `(start, end, label)` of every tag layer, from sub-word scores and word offsets."""
    spans: list[tuple[int, int, str]] = []
    for layer, (low, high) in zip(scheme.layers, scheme.slices(), strict=True):
        best = scores[:, low:high].argmax(axis=1) if len(subwords) else []
        spans += group_spans(words, word_tags(subwords, [layer.tags[i] for i in best], words))
    return sorted(spans, key=lambda span: (span[0], -span[1], span[2]))


# --- model directories ----------------------------------------------------------------------------


def check_safe_dir(path: str | Path) -> Path:
    """`path` as a model directory that can be loaded without unpickling anything, or an error."""
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such model directory")
    unsafe = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in UNSAFE_SUFFIXES)
    if unsafe:
        raise UnsafeModelDirError(
            f"{unsafe[0]}: refusing to load {path}: it holds {len(unsafe)} pickle-format file(s) "
            f"({', '.join(p.name for p in unsafe[:5])}), which could run code when read; "
            "only safetensors weights are accepted (remove them, or re-save the model with save_pretrained)"
        )
    if not any(path.glob("*.safetensors")):
        raise UnsafeModelDirError(f"{path}: no .safetensors weights in this model directory")
    return path


def load_tokenizer(path: Path) -> PreTrainedTokenizerBase:
    """The directory's tokenizer; it must be a fast one, the only kind that gives offsets."""
    tokenizer = _require("transformers").AutoTokenizer.from_pretrained(path, local_files_only=True)
    if not tokenizer.is_fast:
        raise ValueError(f"{path}: the tokenizer is not a fast (Rust) tokenizer, so it cannot map sub-words to offsets")
    return tokenizer


def load_model_dir(path: str | Path) -> tuple[PreTrainedModel, PreTrainedTokenizerBase, TaggerSettings]:
    """Model, tokenizer and settings from a directory written by `save_model_dir`, never unpickling."""
    path = check_safe_dir(path)
    settings = TaggerSettings.read(path / SETTINGS_FILE)
    tokenizer = load_tokenizer(path)
    transformers = _require("transformers")
    model = transformers.AutoModelForTokenClassification.from_pretrained(
        path, local_files_only=True, use_safetensors=True
    )
    if model.config.num_labels != settings.scheme.size:
        raise ValueError(
            f"{path}: the model has {model.config.num_labels} outputs but {SETTINGS_FILE} "
            f"describes {settings.scheme.size} tags"
        )
    check_window_sizes(tokenizer, settings.max_length, settings.stride)
    return model, tokenizer, settings


def save_model_dir(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, settings: TaggerSettings, path: str | Path
) -> Path:
    """Write weights (safetensors), model config, tokenizer files and `tagger.json` to `path`.

    transformers 5 writes only safetensors (4.x did so by default); the check
    afterwards makes sure no other weight format slipped in.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    (path / SETTINGS_FILE).write_text(json.dumps(settings.to_dict(), indent=2) + "\n", encoding="utf-8")
    return check_safe_dir(path)


# --- the spaCy component --------------------------------------------------------------------------


class TransformerTagger:
    """Tags a Doc with a fine-tuned token classifier; spans go to `doc.spans[spans_key]`."""

    def __init__(self, nlp: Language, name: str, spans_key: str, batch_size: int, device: str) -> None:
        register_extensions()
        if batch_size < 1:
            raise ValueError(f"{name}: batch_size must be at least 1, not {batch_size}")
        self.name = name
        self.spans_key = spans_key
        self.batch_size = batch_size
        from extractor.training.device import select_device

        self.device = select_device(device)
        self.model: PreTrainedModel | None = None
        self.tokenizer: PreTrainedTokenizerBase | None = None
        self.settings: TaggerSettings | None = None

    def set_model(self, model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, settings: TaggerSettings) -> None:
        """Use an in-memory model (training evaluates on dev this way), moved to this component's device."""
        check_window_sizes(tokenizer, settings.max_length, settings.stride)
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.settings = settings

    def load_model(self, path: str | Path) -> None:
        """Load a model directory written by training or by `to_disk`."""
        self.set_model(*load_model_dir(path))

    def initialize(
        self, get_examples: Any = None, *, nlp: Language | None = None, model_dir: str | None = None
    ) -> None:
        """`nlp.initialize()` hook: `[initialize.components.<name>] model_dir = ...` loads a trained model."""
        if model_dir is None:
            raise ValueError(f"{self.name}: initialize needs model_dir, a directory written by train_transformer")
        self.load_model(model_dir)

    def predict(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Spans `(start_char, end_char, label)` for the Doc, on its token boundaries."""
        if self.model is None or self.tokenizer is None or self.settings is None:
            raise ValueError(
                f"{self.name}: no model loaded; call load_model(DIR), or load a saved pipeline with spacy.load"
            )
        windows = encode_windows(self.tokenizer, doc.text, self.settings.max_length, self.settings.stride)
        logits = window_logits(self.model, windows, pad_id(self.tokenizer), self.batch_size)
        subwords, scores = best_context_scores(windows, logits)
        words = [(token.idx, token.idx + len(token.text)) for token in doc if not token.is_space]
        return decode(self.settings.scheme, subwords, scores, words)

    def __call__(self, doc: Doc) -> Doc:
        spans = (make_span(doc, start, end, label) for start, end, label in self.predict(doc))
        doc.spans[self.spans_key] = [span for span in spans if span is not None]
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        if self.model is None or self.tokenizer is None or self.settings is None:
            raise ValueError(f"{self.name}: no model to save; load or train one first")
        save_model_dir(self.model, self.tokenizer, self.settings, path)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> TransformerTagger:
        self.load_model(path)
        return self


@Language.factory(
    "transformer_tagger",
    default_config={"spans_key": TRANSFORMER_KEY, "batch_size": 8, "device": "auto"},
)
def make_transformer_tagger(
    nlp: Language, name: str, spans_key: str, batch_size: int, device: str
) -> TransformerTagger:
    return TransformerTagger(nlp, name, spans_key, batch_size, device)
