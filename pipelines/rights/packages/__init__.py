"""The access package: answering a request to know, redacting, writing the data files, manifest and report."""
