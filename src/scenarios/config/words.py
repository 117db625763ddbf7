"""The shipped table of estimative words (ICD 203), read with the position of every word."""

from __future__ import annotations

from importlib import resources

from scenarios.yamlio import Located, parse_yaml

WORDS_FILE = "estimative_words.yaml"


def packaged_words() -> Located:
    """The shipped ICD 203 table, located, under the key `estimative_words`."""
    text = resources.files("scenarios.data").joinpath(WORDS_FILE).read_text(encoding="utf-8")
    words = parse_yaml(text, f"<scenarios>/data/{WORDS_FILE}")
    return Located({"estimative_words": words.data}, {("estimative_words", *k): o for k, o in words.origins.items()})
