"""Regenerate docs/configuration.md from its hand-written head and the schema: python docs/build_reference.py"""

from pathlib import Path

from scenarios.config.reference import markdown_reference

HERE = Path(__file__).parent


def build() -> str:
    return (HERE / "configuration.head.md").read_text(encoding="utf-8") + "\n" + markdown_reference() + "\n"


if __name__ == "__main__":
    (HERE / "configuration.md").write_text(build(), encoding="utf-8")
