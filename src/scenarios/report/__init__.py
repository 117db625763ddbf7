"""The self-contained HTML report and the figures it (and `scenarios plot`) shows."""
