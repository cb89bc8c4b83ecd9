"""Answering many cases: reading them from files, folders and JSON Lines, answering them in
partitions on worker processes or a Dask cluster, and writing one JSON line per case."""
