"""Training recipes: spaCy (spancat, ner), transformer, and the claim filter."""
