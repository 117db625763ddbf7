"""Monte Carlo batches: seeding, chunks, executors (serial, process pool, Dask), progress and resume."""
