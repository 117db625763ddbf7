"""Results on disk: Parquet part files per chunk, a journal, the manifest, atomic finalisation, loading back."""
