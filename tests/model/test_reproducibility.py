"""Seeds and paths: the same seed reproduces a replication to the bit; recording its story changes nothing; the fast
path (utilities as totals, caches) decides exactly as the explained one (term by term); and the redraws that hold a
replication to what was known on a date are a pure function of its seed."""

from __future__ import annotations

import copy
import dataclasses
import functools
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from scenarios.engine.seeding import replication_seed
from scenarios.exceptions import ModelError
from scenarios.model.actors import POLICIES
from scenarios.model.choice import Decision
from scenarios.model.simulation import ReplicationResult, run_replication

from .support import BRIEF, PATRON, day, drawn, joint_envoys, records, scenario

SCENARIOS = {
    "truce": scenario(),
    "war": scenario(start_truce=False),
    "crowded": scenario(patrons=2, supporters=2, envoys=2, territory=False, edit=joint_envoys),
}
SEEDS = [0, 3, 20301010, [2030, 17]]


def as_dict(result: ReplicationResult) -> dict[str, Any]:
    return dataclasses.asdict(result)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("seed", SEEDS, ids=str)
def test_the_same_seed_gives_the_same_replication_to_the_bit(name: str, seed: int | list[int]) -> None:
    sc = SCENARIOS[name]
    a = run_replication(sc, np.random.SeedSequence(seed), record_trace=True)
    b = run_replication(sc, np.random.SeedSequence(seed), record_trace=True)
    assert a.events and a.timeseries and a.daily
    assert pickle.dumps(a) == pickle.dumps(b)  # to the bit, NaN and the sign of zero included


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("seed", SEEDS, ids=str)
def test_recording_the_story_changes_nothing(name: str, seed: int | list[int]) -> None:
    """The explained path (traced: every utility term by term, every rate read afresh) and the fast path give the
    same replication to the bit."""
    sc = SCENARIOS[name]
    traced = run_replication(sc, np.random.SeedSequence(seed), record_trace=True)
    fast = run_replication(sc, np.random.SeedSequence(seed))
    assert fast.events is None and fast.timeseries is None and traced.events
    assert records(fast) == records(traced)


def test_spawned_children_are_reproducible() -> None:
    sc = SCENARIOS["truce"]
    for a, b in zip(np.random.SeedSequence(42).spawn(3), np.random.SeedSequence(42).spawn(3), strict=True):
        assert as_dict(run_replication(sc, a)) == as_dict(run_replication(sc, b))


def test_different_seeds_differ() -> None:
    sc = SCENARIOS["truce"]
    results = [run_replication(sc, np.random.SeedSequence([1, i]), record_trace=True) for i in range(8)]
    for i, a in enumerate(results):
        for b in results[i + 1 :]:
            assert a.events != b.events
    assert len({r.outcome["first_ceasefire_end_day"] for r in results}) == len(results)


def test_given_parameters_are_used_as_given() -> None:
    sc = SCENARIOS["truce"]
    seq = np.random.SeedSequence(9)
    first = run_replication(sc, seq)
    assert first.parameters == drawn(sc, seq)
    assert as_dict(run_replication(sc, seq, parameters=first.parameters)) == as_dict(first)
    changed = dict(first.parameters, **{"actors.red.gain_weight": 0.0})
    again = run_replication(sc, seq, parameters=changed)
    assert again.parameters == changed and again.outcome != first.outcome


def test_a_replication_has_a_story() -> None:
    """Not a degenerate run: a traced replication of the synthetic world has decisions, answers, offers, a place
    taken and the truce formally ended."""
    result = run_replication(SCENARIOS["truce"], np.random.SeedSequence([2030, 1]), record_trace=True)
    kinds = {e["kind"] for e in result.events or []}
    assert {"decision", "answer", "offer", "objective_taken", "ceasefire_end", "violation"} <= kinds
    assert result.offers and len(result.offers) == result.outcome["offers"]


# --- the fast path decides as the explained one, decision by decision -----------------------------------------


@pytest.fixture
def both_paths(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every policy's `decide` and `answer`, called on the fast path (untraced), also decides on the explained path
    with a copy of the same random stream; both must choose the same options with the same probabilities."""
    checked = [0]

    def twin(method: Callable[..., Any], single: bool) -> Callable[..., Any]:
        @functools.wraps(method)
        def both(self: Any, obs: Any, v: Any, rng: Any, explain: bool = True) -> Any:
            assert not explain, "an untraced replication asks for the fast path"
            reference = method(self, obs, v, copy.deepcopy(rng), True)
            fast = method(self, obs, v, rng, False)
            pairs = [(reference, fast)] if single else list(zip(reference, fast, strict=True))
            for ref, got in pairs:
                assert isinstance(got, Decision) and got.utilities == {}
                assert (got.option, got.track, got.probabilities) == (ref.option, ref.track, ref.probabilities)
                assert list(got.probabilities) == list(ref.utilities)  # the same options, in the same order
                checked[0] += 1
            return fast

        return both

    for cls in POLICIES.values():
        monkeypatch.setattr(cls, "decide", twin(cls.decide, single=False))
        if cls.party:
            monkeypatch.setattr(cls, "answer", twin(cls.answer, single=True))
    yield checked


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("seed", SEEDS[:2], ids=str)
def test_every_decision_is_the_same_on_both_paths(both_paths: list[int], name: str, seed: int) -> None:
    sc = SCENARIOS[name]
    reference = run_replication(sc, np.random.SeedSequence(seed))  # the twins draw nothing more of a stream
    assert both_paths[0] > 50
    with pytest.MonkeyPatch.context() as undo:
        for cls in POLICIES.values():
            undo.setattr(cls, "decide", cls.decide.__wrapped__)  # type: ignore[attr-defined]
            if cls.party:
                undo.setattr(cls, "answer", cls.answer.__wrapped__)  # type: ignore[attr-defined]
        assert records(run_replication(sc, np.random.SeedSequence(seed))) == records(reference)


# --- what was known on a date: redraws ------------------------------------------------------------------------

SEED = 20300301
N = 60
KNOWN_DAY = 2.0  # through the end of day 1


def known_in_force(until: int, redraws: int = 1000, on: str = "ceasefire") -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        fact = {"until": day(until).isoformat(), "source": dict(BRIEF), "max_redraws": redraws}
        if on == "ceasefire":
            data["world"]["ceasefire"]["known_in_force"] = fact
        else:
            data["world"].pop("ceasefire", None)
            data["world"]["history"] = [
                {"date": day(5).isoformat(), "kind": "humanitarian", "broker": PATRON, "source": dict(BRIEF)}
                | {"known_in_force": fact}
            ]

    return edit


FREE = SCENARIOS["truce"]
HELD = scenario(edit=known_in_force(1))


def ends_early(r: ReplicationResult, before: float = KNOWN_DAY) -> bool:
    return not r.outcome["first_ceasefire_censored"] and r.outcome["first_ceasefire_end_day"] < before


@pytest.fixture(scope="module")
def free_and_held() -> tuple[list[ReplicationResult], list[ReplicationResult]]:
    free = [run_replication(FREE, replication_seed(SEED, i), record_trace=True) for i in range(N)]
    held = [run_replication(HELD, replication_seed(SEED, i), record_trace=True) for i in range(N)]
    return free, held


def test_no_replication_ends_the_known_truce_before_its_date(
    free_and_held: tuple[list[ReplicationResult], list[ReplicationResult]],
) -> None:
    free, held = free_and_held
    early = sum(map(ends_early, free))
    assert N // 4 <= early <= 3 * N // 4, f"{early} of {N} free runs end it early: the test would say little"
    assert not any(map(ends_early, held))
    assert [r.ceasefires[0]["start_day"] for r in held] == [0.0] * N  # the same truce, from day 0
    assert sum(r.outcome["history_redraws"] > 0 for r in held) == early  # exactly the paths that contradicted it


def test_a_replication_that_agrees_at_once_is_the_run_without_the_condition(
    free_and_held: tuple[list[ReplicationResult], list[ReplicationResult]],
) -> None:
    agreed = 0
    for free, held in zip(*free_and_held, strict=True):
        assert held.parameters == free.parameters  # the path is drawn again, never the parameter values
        if ends_early(free):
            assert held.outcome["history_redraws"] >= 1 and held.events != free.events
            continue
        agreed += 1
        assert held.outcome["history_redraws"] == free.outcome["history_redraws"] == 0
        assert pickle.dumps(held) == pickle.dumps(free)
    assert agreed >= N // 4


def test_dispositions_are_kept_when_the_path_is_drawn_again(
    free_and_held: tuple[list[ReplicationResult], list[ReplicationResult]],
) -> None:
    """Like the parameter values, what the actors are disposed to is the analyst's uncertainty, not a chance event:
    a replication's redrawn paths keep the dispositions of its first path, and dispositions vary across
    replications."""
    free, held = free_and_held
    disposed = lambda r: {k: v for k, v in r.outcome.items() if k.startswith("disposed.")}  # noqa: E731
    assert disposed(free[0])
    redrawn = [i for i, r in enumerate(held) if r.outcome["history_redraws"] > 0]
    assert redrawn
    assert all(disposed(held[i]) == disposed(free[i]) for i in redrawn)
    assert len({tuple(sorted(disposed(r).items())) for r in free}) > 1


def test_redraws_are_a_pure_function_of_the_seed(
    free_and_held: tuple[list[ReplicationResult], list[ReplicationResult]],
) -> None:
    _, held = free_and_held
    redrawn = [i for i, r in enumerate(held) if r.outcome["history_redraws"] > 0][:5]
    assert redrawn
    for i in redrawn:
        again = run_replication(HELD, replication_seed(SEED, i), record_trace=True)
        assert pickle.dumps(again) == pickle.dumps(held[i])
        fast = run_replication(HELD, replication_seed(SEED, i))
        assert records(fast) == records(held[i])


def test_given_parameters_are_kept_when_the_path_is_drawn_again(
    free_and_held: tuple[list[ReplicationResult], list[ReplicationResult]],
) -> None:
    free, _ = free_and_held
    i = next(i for i, r in enumerate(free) if ends_early(r))
    given = dict(free[i].parameters, **{"actors.red.inertia": 2.0})
    r = run_replication(HELD, replication_seed(SEED, i), parameters=given)
    assert r.outcome["history_redraws"] >= 1 and not ends_early(r) and r.parameters == given


def test_a_truce_from_history_is_held_to_its_known_date() -> None:
    """At war, a history truce on day 5 known in force through day 6: no run ends it before day 7. (Red is made to
    think twice before ending a truce openly: in the synthetic world it ends one imposed on its offensive at once.)"""
    sc = scenario("actors.red.ceasefire_breach_cost=10", start_truce=False, edit=known_in_force(6, on="history"))
    runs = [run_replication(sc, replication_seed(SEED, i)) for i in range(20)]
    assert all(r.ceasefires[0]["start_day"] <= 5.0 for r in runs)
    for r in runs:
        truce = next(c for c in r.ceasefires if c["start_day"] == 5.0)  # the history truce, unless one came first
        assert truce["censored"] or truce["end_day"] >= 7.0
    assert any(r.outcome["history_redraws"] > 0 for r in runs)


def test_a_scenario_that_cannot_agree_stops_with_an_error_naming_the_key() -> None:
    never = scenario(
        "actors.red.review_every_days=0.25",
        "actors.red.rationality=20",
        "actors.red.ceasefire_breach_cost=0",
        "actors.red.cover_cost=50",
        "actors.red.gain_weight=500",
        edit=known_in_force(20, redraws=5),
    )
    with pytest.raises(ModelError, match=r"world\.ceasefire\.known_in_force: .* all of its 5 paths"):
        run_replication(never, np.random.SeedSequence([SEED, 0]))


def test_a_run_shorter_than_the_known_date_is_held_to_it_over_its_horizon() -> None:
    sc = scenario("simulation.horizon_days=1", edit=known_in_force(30))
    for i in range(20):
        r = run_replication(sc, replication_seed(SEED, i))
        assert r.outcome["first_ceasefire_censored"], f"replication {i} ended the truce within its one day"
