"""BIO tags for token classification, in two columns because a LEGAL_DEFINITION may contain other spans.

One column holds the labels that never overlap each other (AGENCY, OPERATION,
LEGISLATION, NUMERIC_CLAIM), the other the container labels (LEGAL_DEFINITION):
each column is then a plain BIO sequence. The tag names are in a fixed order
derived from `extractor.labels`, so class ids mean the same in every export.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.convert.common import ConversionError
from extractor.convert.tokens import word_offsets
from extractor.labels import CONTAINER_LABELS, LABELS
from extractor.records import DocRecord

OUTSIDE = "O"
OTHER_LABELS: tuple[str, ...] = tuple(label for label in LABELS if label not in CONTAINER_LABELS)
DEFINITION_LABELS: tuple[str, ...] = tuple(label for label in LABELS if label in CONTAINER_LABELS)


def tag_names(labels: tuple[str, ...]) -> tuple[str, ...]:
    """ "O", then B- and I- of each label in the given order: the class ids of a tag column."""
    return (OUTSIDE, *(f"{prefix}-{label}" for label in labels for prefix in ("B", "I")))


TAGS: tuple[str, ...] = tag_names(OTHER_LABELS)
DEFINITION_TAGS: tuple[str, ...] = tag_names(DEFINITION_LABELS)


@dataclass
class TaggedTokens:
    """A document's tokens as character offsets, with one tag per token in each column."""

    offsets: list[tuple[int, int]]
    tags: list[str]
    definition_tags: list[str]


def tag_record(record: DocRecord) -> TaggedTokens:
    """The record's tokens and BIO tags; `ConversionError` when the spans cannot be written as tags."""
    offsets = word_offsets(record)
    first_token = {start: index for index, (start, _) in enumerate(offsets)}
    last_token = {end: index for index, (_, end) in enumerate(offsets)}
    columns = {OUTSIDE: [OUTSIDE] * len(offsets), "definition": [OUTSIDE] * len(offsets)}
    owners: dict[tuple[str, int], str] = {}
    for span in record.sorted_spans():
        if span.label not in LABELS:
            raise ConversionError(
                f"label {span.label!r} is not one of {', '.join(LABELS)}; BIO tags have no class for it"
            )
        where = f"{span.label} {span.start}-{span.end} {span.text!r}"
        if span.start not in first_token or span.end not in last_token:
            raise ConversionError(f"span {where} starts or ends with whitespace, which token tags cannot hold")
        column = "definition" if span.label in CONTAINER_LABELS else OUTSIDE
        tags = columns[column]
        first, last = first_token[span.start], last_token[span.end]
        for index in range(first, last + 1):
            if tags[index] != OUTSIDE:
                raise ConversionError(
                    f"span {where} overlaps {owners[(column, index)]}; one BIO column cannot hold both"
                )
            tags[index] = ("B-" if index == first else "I-") + span.label
            owners[(column, index)] = where
    return TaggedTokens(offsets, columns[OUTSIDE], columns["definition"])


def spans_from_tags(
    offsets: list[tuple[int, int]], tags: list[str], allowed: tuple[str, ...]
) -> list[tuple[int, int, str]]:
    """The (start, end, label) spans a BIO column encodes; `ConversionError` on a tag out of place."""
    spans: list[tuple[int, int, str]] = []
    inside: str | None = None  # the label of the span the previous token belongs to
    for index, tag in enumerate(tags):
        if tag not in allowed:
            raise ConversionError(f"token {index + 1}: tag {tag!r} is not one of {', '.join(allowed)}")
        if tag == OUTSIDE:
            inside = None
            continue
        prefix, label = tag.split("-", 1)
        start, end = offsets[index]
        if prefix == "B":
            spans.append((start, end, label))
        elif inside == label:
            spans[-1] = (spans[-1][0], end, label)
        else:
            raise ConversionError(
                f"token {index + 1}: {tag} does not continue a {label} span (it must follow B-{label} or {tag})"
            )
        inside = label
    return spans
