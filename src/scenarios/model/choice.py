"""Quantal-response (logit) choice over options scored by named utility terms."""

from __future__ import annotations

import math
from typing import NamedTuple

from scenarios.model.random import Random

Terms = dict[str, float]


def log_odds(p: float) -> float:
    """A propensity word's probability as a log-odds utility term."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


class Decision(NamedTuple):
    """An actor's choice and why: the utility of every option term by term, and the choice probabilities.

    `utilities` is empty for a choice made from totals alone (`logit_totals`, the untraced path).
    """

    actor: str
    option: str
    utilities: dict[str, Terms]
    probabilities: dict[str, float]
    track: str = ""  # the posture key it decides: the actor's name, "actor.track" for a second track, or "" for an
    # act that is not a posture (an answer to an offer, a request for help)

    def total(self, option: str) -> float:
        return sum(self.utilities[option].values())

    def explain(self) -> str:
        """One line: chosen option, its probability and its largest terms."""
        terms = sorted(self.utilities.get(self.option, {}).items(), key=lambda kv: -abs(kv[1]))
        shown = ", ".join(f"{k} {v:+.2f}" for k, v in terms[:4] if v != 0.0) or "no terms"
        what = self.track if self.track and self.track != self.actor else self.actor
        return f"{what} chose {self.option} (p={self.probabilities[self.option]:.2f}; {shown})"


def logit_choice(
    actor: str,
    utilities: dict[str, Terms],
    rationality: float,
    rng: Random,
    track: str | None = None,
    floor: float = 0.0,
) -> Decision:
    """Choose with probability proportional to exp(rationality x total utility), among the options rated at least
    `floor`.

    rationality 0 is a uniform choice; large values approach always taking the best option. An option whose logit
    probability is below `floor` is not taken (the others share its chance in proportion): the logit's far tail is
    noise, not policy, and drawn again at every review it would add up to choices the actor rates as absurd. The
    best option is always kept. One uniform number is read from `rng` and inverted through the cumulative
    probabilities, in the order the options are given.
    """
    totals = {option: sum(terms.values()) for option, terms in utilities.items()}
    return _choose(actor, totals, utilities, rationality, rng, track, floor)


def logit_totals(
    actor: str,
    totals: dict[str, float],
    rationality: float,
    rng: Random,
    track: str | None = None,
    floor: float = 0.0,
) -> Decision:
    """The same choice from each option's total utility alone, when nobody will read the terms (untraced runs).

    A total must be the sum of the option's terms in their order, as `sum` adds them (``0.0 + t1 + t2 ...``), so
    that both paths give the same choice to the bit. `totals` is used up (it becomes the probabilities).
    """
    return _choose(actor, totals, {}, rationality, rng, track, floor)


def _choose(
    actor: str,
    totals: dict[str, float],
    utilities: dict[str, Terms],
    rationality: float,
    rng: Random,
    track: str | None,
    floor: float,
) -> Decision:
    # One dict, turned in place from totals into weights, then probabilities (fewer allocations).
    probabilities = totals
    top = -math.inf
    for total in probabilities.values():
        if total > top:
            top = total
    exp = math.exp
    norm = 0.0
    for option, total in probabilities.items():
        weight = exp(rationality * (total - top))  # shifted by the best total: no overflow
        probabilities[option] = weight
        norm += weight
    if floor > 0.0:
        cut = min(floor * norm, 1.0)  # in weights; the best option has weight 1 and is always kept
        if any(weight < cut for weight in probabilities.values()):
            norm = 0.0
            for option, weight in probabilities.items():
                if weight < cut:
                    probabilities[option] = 0.0
                else:
                    norm += weight
    u = rng.uniform()
    chosen: str | None = None
    last = ""
    cumulative = 0.0
    for option, weight in probabilities.items():
        p = weight / norm
        probabilities[option] = p
        if p > 0.0:
            last = option
        if chosen is None:
            cumulative += p
            if u < cumulative:
                chosen = option
    if chosen is None:  # u beyond the rounded cumulative sum: the last option that may be taken
        chosen = last
    return Decision(actor, chosen, utilities, probabilities, actor if track is None else track)
