"""The metamorphic suite: the demo estate mutated as real estates differ answers as the original."""
