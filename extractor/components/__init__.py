"""The pipeline's components: one tagger per label and the resolver that merges them."""
