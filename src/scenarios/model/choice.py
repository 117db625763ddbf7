"""Quantal-response (logit) choice over options scored by named utility terms."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scenarios.model.random import Random

Terms = dict[str, float]


@dataclass(frozen=True, slots=True)
class Decision:
    """An actor's choice and why: the utility of every option term by term, and the choice probabilities."""

    actor: str
    option: str
    utilities: dict[str, Terms]
    probabilities: dict[str, float]

    def total(self, option: str) -> float:
        return sum(self.utilities[option].values())

    def explain(self) -> str:
        """One line: chosen option, its probability and its largest terms."""
        terms = sorted(self.utilities[self.option].items(), key=lambda kv: -abs(kv[1]))
        shown = ", ".join(f"{k} {v:+.2f}" for k, v in terms[:4] if v != 0.0) or "no terms"
        return f"{self.actor} chose {self.option} (p={self.probabilities[self.option]:.2f}; {shown})"


def logit_choice(actor: str, utilities: dict[str, Terms], rationality: float, rng: Random) -> Decision:
    """Choose with probability proportional to exp(rationality x total utility).

    rationality 0 is a uniform choice; large values approach always taking the best option.
    """
    totals = {option: sum(terms.values()) for option, terms in utilities.items()}
    top = max(totals.values())
    weights = {option: math.exp(rationality * (u - top)) for option, u in totals.items()}
    norm = sum(weights.values())
    probabilities = {option: w / norm for option, w in weights.items()}
    u = rng.uniform()
    chosen = next(iter(probabilities))
    cumulative = 0.0
    for option, p in probabilities.items():
        cumulative += p
        chosen = option
        if u < cumulative:
            break
    return Decision(actor, chosen, utilities, probabilities)
