"""The plot kinds, importable without matplotlib (the CLI builds its parser from them)."""

KINDS = (
    "survival",
    "survival-all",
    "outcomes",
    "timeline",
    "casualties",
    "fan-territory",
    "fan-casualties",
    "fan-attention",
    "fan-supporter",
    "fan-ceasefire",
)
