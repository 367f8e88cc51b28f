"""The label set of the annotation guidelines (v1.2), in one place.

Every module that needs to know the labels imports them from here, so a new
guidelines version changes one file.
"""

GUIDELINES_VERSION = "1.2"

AGENCY = "AGENCY"
OPERATION = "OPERATION"
LEGISLATION = "LEGISLATION"
LEGAL_DEFINITION = "LEGAL_DEFINITION"
NUMERIC_CLAIM = "NUMERIC_CLAIM"

LABELS: tuple[str, ...] = (AGENCY, OPERATION, LEGISLATION, LEGAL_DEFINITION, NUMERIC_CLAIM)

#: A LEGAL_DEFINITION may contain spans of other labels; no other overlap is allowed.
CONTAINER_LABELS: frozenset[str] = frozenset({LEGAL_DEFINITION})

#: Attributes the guidelines require on every span of a label.
REQUIRED_ATTRS: dict[str, tuple[str, ...]] = {
    LEGAL_DEFINITION: ("term",),
    NUMERIC_CLAIM: ("value",),
}

#: The span group the pipeline writes its results to.
SPANS_KEY = "extractions"
