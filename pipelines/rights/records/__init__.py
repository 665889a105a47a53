"""Finding a consumer's records and whose each row is: identity, starting points, the walk, mentions."""
