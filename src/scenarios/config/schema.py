"""The scenario schema: a tree of frozen pydantic models, every field described with its unit.

Sections that encode judgments hold parameters (`config.params`), each with its provenance; `simulation:`
holds technical settings only. The `actors:` section names a scenario's actors freely; each block says which
policy it follows (`policy:`, a registered policy: `config.policies`), which fixes its role and the parameters it
takes, so a policy is added by a module and an actor by a YAML block, without editing this file or the simulation
core. The policies are found at run time (entry points), so this package imports nothing from the model.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, PrivateAttr, field_validator, model_validator

from scenarios.config.draw import parameter_specs
from scenarios.config.expectations import DataTarget, Expectation, Question, expectation_problems
from scenarios.config.joint import JointSample, read_joint_sample
from scenarios.config.mechanisms import (
    AttentionParams,
    CeasefireParams,
    CombatParams,
    Effects,
    EnduranceParams,
    Ground,
    MediationParams,
    Settlement,
)
from scenarios.config.params import (
    DateParam,
    EstimativeWords,
    Frozen,
    NonNegative,
    Param,
    Positive,
    Share,
    Source,
    ValueProblem,
)
from scenarios.config.policies import ActorParams
from scenarios.measures import MeasureSpec
from scenarios.roles import ONE_EACH, Role, policy_schemas


class Simulation(Frozen):
    """Technical settings: no judgment of the report lives here."""

    start_date: dt.date = Field(description="Day 0 of the simulation (date): the case's own, never a default.")
    horizon_days: int = Field(180, ge=1, le=3650, description="Length of each replication (days).")
    replications: int = Field(1000, ge=1, description="Replications in a batch (count).")
    seed: int | None = Field(None, ge=0, description="Batch seed; chosen at random and recorded when absent.")
    trace_sample: int = Field(
        10, ge=0, description="Replications per scenario whose event log and daily series are stored (count)."
    )
    daily_every: int = Field(
        1,
        ge=1,
        le=365,
        description="Spacing of the compact daily table that every replication records for fan charts (days; "
        "1 = every day).",
    )
    output_dir: str = Field("results", description="Folder under which batch results are written (path).")


class Season(Frozen):
    """The calendar: when winter slows and bloods assaults (by kind of ground, `ground.terrain`) and grounds air
    power, and when it ends."""

    winter_start: DateParam = Field(description="First day of winter conditions (date).")
    winter_end: DateParam = Field(description="First day after winter conditions (date).")


class Objective(Frozen):
    """A named place (town, height, junction, district) and the roads that join it to others.

    `after` lists the places whose capture opens this one to the attacker (any of them suffices); an empty list
    puts it on the line of contact. Without `after`, a place follows the one written before it in its sector (the
    first of a sector is on the line of contact). The same roads run both ways: the defender counter-attacks a place
    the attacker holds from a neighbouring place it holds.
    """

    label: str = Field(description="Name shown in tables and plots.")
    terrain: str = Field(description="Its kind of ground: a key of `ground.terrain` (sets progress and casualties).")
    fortification: int = Field(
        0, ge=0, description="Levels of prepared defences on it: 0 = open; a key of `ground.fortification` (level)."
    )
    core: bool = Field(
        False,
        description="Part of the contested region's core (where the defender's population lives), as against the "
        "land around it; the attacker's aims weigh it apart.",
    )
    territory_of: str | None = Field(
        None,
        description="An actor whose own territory this is, outside the contested region (not in the contested "
        "value): strikes on it are spillover, an attack on it may trigger a treaty (an actor id).",
    )
    city: bool = Field(False, description="Shelling here counts as a strike on a city.")
    value: float = Field(gt=0, description="Weight in territorial shares (unit: share points of the sector).")
    population: float = Field(ge=0, description="Residents exposed to fighting here (thousands of people).")
    held_by: str = Field(description="Holder on the start date: the attacker or the defender (an actor id).")
    difficulty: Positive | None = Field(
        None,
        description="Effort needed to take it on open ground, before its terrain and fortification (unit: days at "
        "the attacker's base rate); required for a place of the contested region, not for someone's own territory "
        "(never assaulted).",
    )
    progress_at_start: Share | None = Field(
        None,
        description="Fighting for it under way on the start date: the share of the effort to take it that the party "
        "not holding it has already spent (share; absent: none).",
    )
    after: list[str] | None = Field(
        None,
        description="Objective ids whose capture opens this one (any of them); [] = on the line of contact; "
        "absent = the previous objective of its sector.",
    )
    overlooked_from: list[str] = Field(
        default_factory=list,
        description="Heights (objective ids) that command this place from above: held by the side assaulting it, "
        "its progress is `combat.overlooked_advance_factor` times faster.",
    )
    route_assumption: str | None = Field(None, description="The modeller's reason for the routes in `after`.")
    source: Source | None = Field(None, description="The report passage behind this objective, if any.")
    assumption: str | None = Field(None, description="The modeller's reason for including it as written.")

    @model_validator(mode="after")
    def _provenance(self) -> Objective:
        if self.source is None and self.assumption is None:
            raise ValueError("an objective needs `source:` or `assumption:`")
        if self.difficulty is None and self.territory_of is None:
            raise ValueProblem(
                "a place of the contested region needs its `difficulty`",
                "give `difficulty:` (days at the attacker's base rate on open ground)",
            )
        if self.territory_of is not None and self.progress_at_start is not None:
            raise ValueProblem(
                "someone's own territory is never assaulted", "leave out `progress_at_start`", at=("progress_at_start",)
            )
        return self


class Sector(Frozen):
    """A sector of the front and its objectives, in the order an attacker meets them."""

    label: str = Field(description="Name shown in tables and plots.")
    objectives: dict[str, Objective] = Field(min_length=1, description="Objective id -> objective, in order.")


class KnownInForce(Frozen):
    """What the report knows of the start ceasefire: still in force, formally, on its date.

    A replication whose start ceasefire ends before the end of `until` contradicts the report; its chance events are
    drawn again (a new path from the replication's own seed, the same parameter values), so every replication agrees
    with what the report knew on its date: the batch's paths are conditioned on it.
    """

    until: dt.date = Field(
        description="The last date the ceasefire was known to be formally in force: every run keeps it through the "
        "end of that day (date, after day 0; a shorter run keeps it over its whole horizon)."
    )
    max_redraws: int = Field(
        1000,
        ge=1,
        le=100_000,
        description="Paths a replication may draw to agree before it stops with an error (count).",
    )
    source: Source = Field(description="The report passage that states it.")


class StartCeasefire(Frozen):
    """The truce in force on the start date."""

    kind: Literal["humanitarian", "comprehensive"] = Field(description="Kind of the truce in force on day 0.")
    broker: str = Field(description="The actor that brokered it (an actor id).")
    peacekeepers: bool = Field(False, description="Whether peacekeepers are deployed.")
    source: Source = Field(description="The report passage that describes it.")
    known_in_force: KnownInForce | None = Field(
        None, description="The report's knowledge that it still held on a later date; replications are held to it."
    )


class HistoryTruce(Frozen):
    """A truce that is known to have been agreed on a date (a scenario that starts before it runs up to it as
    history: the truce takes effect that day whatever the policies would have done)."""

    date: dt.date = Field(description="The day it took effect (date, after the start date).")
    kind: Literal["humanitarian", "comprehensive"] = Field(description="Its kind.")
    broker: str = Field(description="The actor that brokered it (an actor id).")
    peacekeepers: bool = Field(False, description="Whether peacekeepers were deployed.")
    known_in_force: KnownInForce | None = Field(
        None, description="That it was still formally in force on a later date; replications are held to it."
    )
    source: Source = Field(description="The passage that reports it.")


class Capability(Frozen):
    """Something the attacker owns outright (not a third party's to withdraw), e.g. weapons it bought, and what it
    does."""

    held: bool = Field(description="Whether it is held on the start date.")
    effects: Effects = Field(description="What it does while held (at least one effect).")
    source: Source | None = Field(None, description="The report passage this encodes.")
    assumption: str | None = Field(None, description="The modeller's reason, where the report is silent.")


class World(Frozen):
    """The state on the start date."""

    sectors: dict[str, Sector] = Field(min_length=1, description="Sector id -> sector.")
    capabilities: dict[str, Capability] = Field(
        default_factory=dict,
        description="Capabilities the attacker owns, each with its declared effects.",
    )
    ceasefire: StartCeasefire | None = Field(
        None, description="The truce in force on day 0; absent: the scenario starts at open war."
    )
    history: list[HistoryTruce] = Field(
        default_factory=list,
        description="Truces known to have been agreed after day 0 (a scenario that starts before them replays them).",
    )
    start_attention: NonNegative = Field(
        description="International attention on day 0 (index, 1 = sustained coverage)."
    )

    def routes(self) -> dict[str, list[str]]:
        """Objective id -> the ids whose capture opens it (resolving the sector-order default)."""
        out: dict[str, list[str]] = {}
        for sector in self.sectors.values():
            previous: str | None = None
            for oid, o in sector.objectives.items():
                out[oid] = list(o.after) if o.after is not None else ([previous] if previous else [])
                previous = oid
        return out

    @model_validator(mode="after")
    def _graph(self) -> World:
        where: dict[str, str] = {}
        for sid, sector in self.sectors.items():
            for oid in sector.objectives:
                if oid in where:
                    raise ValueProblem(
                        f"objective {oid!r} is in sectors {where[oid]!r} and {sid!r}",
                        "objective ids must be unique across sectors",
                        at=("sectors", sid, "objectives", oid),
                    )
                where[oid] = sid
        routes = self.routes()
        for oid, after in routes.items():
            for prev in after:
                if prev not in routes:
                    close = difflib.get_close_matches(prev, list(routes), n=1)
                    hint = f"did you mean {close[0]!r}? " if close else ""
                    raise ValueProblem(
                        f"`after` names {prev!r}, which is not an objective",
                        hint + f"objectives: {', '.join(routes)}",
                        at=("sectors", where[oid], "objectives", oid, "after"),
                    )
        for sid, sector in self.sectors.items():
            for oid, o in sector.objectives.items():
                for height in o.overlooked_from:
                    if height not in routes or height == oid:
                        close = difflib.get_close_matches(height, list(routes), n=1)
                        hint = f"did you mean {close[0]!r}? " if close else ""
                        raise ValueProblem(
                            f"`overlooked_from` names {height!r}, which is not another objective",
                            hint + f"objectives: {', '.join(routes)}",
                            at=("sectors", sid, "objectives", oid, "overlooked_from"),
                        )
        # cycles: depth-first search over the "opened by" edges
        state: dict[str, int] = {}

        def visit(node: str, chain: list[str]) -> None:
            state[node] = 1
            for prev in routes[node]:
                if state.get(prev) == 1:
                    cycle = [*chain[chain.index(prev) :], prev] if prev in chain else [node, prev]
                    raise ValueProblem(
                        f"routes form a cycle: {' <- '.join(cycle)}",
                        "`after` must point back toward the line of contact",
                        at=("sectors", where[node], "objectives", node, "after"),
                    )
                if prev not in state:
                    visit(prev, [*chain, prev])
            state[node] = 2

        for oid in routes:
            if oid not in state:
                visit(oid, [oid])
        # (with every `after` known and no cycle, each chain of routes ends on the line of contact: all reachable)
        return self


class Outcomes(Frozen):
    """Definitions used to classify a replication's end state (see docs/model.md, outcome classes)."""

    durable_days: float = Field(90, gt=0, description="A ceasefire that holds this long is durable (days).")
    major_gain_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Share of the contested value the attacker must hold for 'major gains' (share).",
    )
    major_gain_places: list[str] = Field(
        default_factory=list,
        description="Places whose capture by force makes the attacker's gains major whatever its share (the region's "
        "capital, its lifelines) (objective ids).",
    )
    protracted_war_days: float = Field(
        60,
        gt=0,
        description="Days of fighting in all (under a truce or not, since `war_began`) that make a conflict protracted "
        "(days).",
    )
    war_began: dt.date | None = Field(
        None,
        description="The day the war began, when before `simulation.start_date`: its days before the start count in "
        "the conflict's length (`conflict_days`, `protracted_war_days`), as a war's length is counted from its first "
        "day (date; default: the start date).",
    )
    quiet_violations_per_day: float = Field(
        3.0,
        ge=0,
        description="A day of a truce is quiet if no operation is fought and fewer violations than this happen "
        "(per day): how 'holding in fact' is measured (violations/day).",
    )
    improved_position_gain: float = Field(
        0.15,
        gt=0,
        le=1,
        description="Share of the contested value gained since the start that counts as an improved position, not "
        "the 'minor territorial gains' of the start (share).",
    )


class ActorBlocks(dict[str, Any]):
    """The actors' blocks by name; also by attribute (`scenario.actors.<id>`), as the keys are the actor ids."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no actor {name!r}; actors: {', '.join(self)}") from None


if TYPE_CHECKING:
    ActorBlock = ActorParams
# else: the union of the registered policies' blocks, discriminated by `policy` (set by `_rebuild` below)

MAX_NAME = 64


class Joint(Frozen):
    """A joint sample of parameter quantiles (`config.joint`): the region a calibration did not rule out."""

    sample: str = Field(
        description="CSV file (path relative to the YAML, inside its folder tree): a header of parameter paths, "
        "then one row of quantiles (0-1) per point; each replication draws one row."
    )
    calibrated: str = Field(description="Where the sample comes from (the calibration that wrote it, its targets).")


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Scenario(Frozen):
    """A scenario: the report's judgments as parameters, the start state and technical settings."""

    name: str = Field(description="Short name used in results folders, tables and legends (letters, digits, _.-).")
    title: str = Field("", description="One-line title shown in reports.")
    description: str = Field("", description="What this scenario assumes and why.")
    note: str | None = Field(None, description="Free remark, e.g. why a what-if was saved.")
    sources: dict[str, str] = Field(description="Source id -> source document file (path, relative to the YAML).")
    observations: dict[str, str] = Field(
        default_factory=dict,
        description="Observations file id -> file (path, relative to the YAML): what was public about the case by "
        "a date, with sources; parameters cite them with `observed:` (config/observations).",
    )
    estimative_words: EstimativeWords = Field(description="Estimative words (ICD 203) and synonyms; extendable.")
    simulation: Simulation = Field(description="Technical settings (the start date among them).")
    season: Season = Field(description="The calendar: when winter sets in.")
    world: World = Field(description="The state on the start date: sectors, objectives, ceasefire, attention.")
    ground: Ground = Field(description="The kinds of ground and levels of prepared defences places are made of.")
    ceasefire: CeasefireParams = Field(description="Violations under a truce and the strain they leave.")
    combat: CombatParams = Field(description="Fighting on the days a party runs an operation.")
    attention: AttentionParams = Field(description="International attention.")
    mediation: MediationParams = Field(description="Mediation offers and the agreements they bring.")
    endurance: dict[str, EnduranceParams] = Field(
        description="Each party's stocks, by its role: `attacker` and `defender` (manpower, materiel, money)."
    )
    settlements: dict[str, Settlement] = Field(
        default_factory=dict,
        description="Id -> terms a broker may put on the table: places handed over, and who guarantees them.",
    )
    outcomes: Outcomes = Field(default_factory=Outcomes, description="Definitions for classifying outcomes.")
    actors: dict[str, ActorBlock] = Field(
        description="Actor id -> its block: the `policy` it follows (which fixes its role: attacker, defender, "
        "patron, supporter or mediator; `scenarios schema --markdown` lists the registered policies) and that "
        "policy's parameters. One attacker and one defender; any number of patrons (backers of the defender), "
        "supporters (backers of the attacker) and mediators. The order is the order of their reviews at the same "
        "instant."
    )
    measures: dict[str, MeasureSpec] = Field(
        default_factory=dict,
        description="Named outcomes over a batch, as expressions of the measure language (docs/results.md); "
        "usable by every command that takes a measure.",
    )
    expectations: dict[str, Expectation] = Field(
        default_factory=dict, description="Id -> a judgment of the report the model should agree with."
    )
    data: dict[str, DataTarget] = Field(
        default_factory=dict,
        description="Id -> an observation the model must reproduce by its horizon (a backcast from before the "
        "report's date): `scenarios check` tests it, `scenarios calibrate --data` fits to it.",
    )
    questions: dict[str, Question] = Field(default_factory=dict, description="Id -> a forecast question.")
    joint: Joint | None = Field(
        None,
        description="Draw some parameters jointly from a sample of points (written by `scenarios calibrate`); "
        "the others are drawn as usual.",
    )
    _origins: dict[tuple[str | int, ...], Any] = PrivateAttr(default_factory=dict)
    _specs: dict[str, Any] | None = PrivateAttr(default=None)
    _joint: JointSample | None = PrivateAttr(default=None)

    def parameter_specs(self) -> dict[str, Any]:
        """Every parameter by dotted path with its value specification (computed once per scenario)."""
        if self._specs is None:
            self._specs = parameter_specs(self)
        return self._specs

    def origin_of(self, path: str) -> str:
        """Where the value at a dotted path was set: file:line:column, or the `--set` that set it.

        For a parameter this is where its `value` was set (a variant or a `--set` may replace the value of a
        parameter declared, with its source, in the base file). A number in the path indexes a list.
        """
        key: tuple[str | int, ...] = tuple(int(p) if p.isdigit() else p for p in path.split("."))
        if isinstance(self._node_at(key), Param | DateParam) and (*key, "value") in self._origins:
            return str(self._origins[(*key, "value")])
        for n in range(len(key), 0, -1):
            if key[:n] in self._origins:
                return str(self._origins[key[:n]])
        return "(default)"

    def parameter(self, path: str) -> Param | DateParam | None:
        """The parameter at a dotted path (its class carries the range it may take), or None."""
        node = self._node_at(tuple(int(p) if p.isdigit() else p for p in path.split(".")))
        return node if isinstance(node, Param | DateParam) else None

    def _node_at(self, key: tuple[str | int, ...]) -> Any:
        node: Any = self
        for part in key:
            if isinstance(node, BaseModel) and isinstance(part, str) and part in type(node).model_fields:
                node = getattr(node, part)
            elif isinstance(node, dict | list):
                try:
                    node = node[part]  # type: ignore[index]
                except (KeyError, IndexError, TypeError):
                    return None
            else:
                return None
        return node

    @field_validator("expectations", "data", "questions", mode="before")
    @classmethod
    def _none_is_empty(cls, v: Any) -> Any:
        return {} if v is None else v  # a variant writes `expectations: null` to drop every inherited one

    @field_validator("actors")
    @classmethod
    def _actor_blocks(cls, v: dict[str, Any]) -> ActorBlocks:
        return ActorBlocks(v)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if len(v) > MAX_NAME:  # it names the results folder, and a file name has at most 255 bytes
            raise ValueError(f"the name has {len(v)} characters; at most {MAX_NAME} (it names the results folder)")
        if not _NAME.match(v):
            raise ValueError(f"{v!r} is not a valid name: use letters, digits, '_', '.' or '-'")
        return v

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        self._check_roles()
        objectives = [oid for sector in self.world.sectors.values() for oid in sector.objectives]
        for name, block in self.actors.items():  # lists of places in a block (e.g. intervention triggers) name places
            for field in type(block).model_fields:
                places = getattr(block, field)
                if not (field.endswith(("_objectives", "_triggers")) and isinstance(places, list)):
                    continue
                for i, oid in enumerate(places):
                    if oid not in objectives:
                        close = difflib.get_close_matches(oid, objectives, n=1)
                        hint = f"did you mean {close[0]!r}? " if close else ""
                        raise ValueProblem(
                            f"{oid!r} is not an objective",
                            hint + f"objectives: {', '.join(objectives)}",
                            at=("actors", name, field, i),
                        )
        self._check_ground(objectives)
        for i, oid in enumerate(self.outcomes.major_gain_places):
            if oid not in objectives:
                close = difflib.get_close_matches(oid, objectives, n=1)
                raise ValueProblem(
                    f"{oid!r} is not an objective",
                    (f"did you mean {close[0]!r}? " if close else "") + f"objectives: {', '.join(objectives)}",
                    at=("outcomes", "major_gain_places", i),
                )
        began = self.outcomes.war_began
        if began is not None and began > self.simulation.start_date:
            raise ValueProblem(
                f"{began} is after the start date",
                f"give the day the war began, on or before simulation.start_date ({self.simulation.start_date})",
                at=("outcomes", "war_began"),
            )
        truces: list[tuple[Any, tuple[str | int, ...]]] = []
        if self.world.ceasefire is not None:
            truces.append((self.world.ceasefire, ("world", "ceasefire")))
        start = self.simulation.start_date
        for i, truce in enumerate(self.world.history):
            truces.append((truce, ("world", "history", i)))
            if truce.date <= start:
                raise ValueProblem(
                    f"{truce.date} is not after the start date",
                    f"give a date after simulation.start_date ({start}), or put the truce in `world.ceasefire`",
                    at=("world", "history", i, "date"),
                )
        schemas = policy_schemas()
        brokers = [name for name, block in self.actors.items() if schemas[block.policy].broker]
        for truce, at in truces:
            known = truce.known_in_force
            if known is not None and known.until <= getattr(truce, "date", start):
                raise ValueProblem(
                    f"{known.until} is not after the day the truce took effect",
                    "give a later date",
                    at=(*at, "known_in_force", "until"),
                )
            if truce.broker not in brokers:
                close = difflib.get_close_matches(truce.broker, brokers, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                broker = truce.broker
                raise ValueProblem(
                    f"{broker!r} is not an actor" if broker not in self.actors else f"{broker!r} brokers no truces",
                    hint + f"brokers: {', '.join(brokers) or '(none)'}",
                    at=(*at, "broker"),
                )
        for key in self.endurance:
            if key not in (Role.ATTACKER, Role.DEFENDER):
                raise ValueProblem(
                    f"{key!r} is not a party's role", "give `attacker` and `defender`", at=("endurance", key)
                )
        for role in (Role.ATTACKER, Role.DEFENDER):
            if role.value not in self.endurance:
                raise ValueProblem(
                    f"missing the {role.value}'s stocks", f"add `endurance.{role.value}`", at=("endurance",)
                )
        for sid, settlement in self.settlements.items():
            for field, ids in (("handover", settlement.handover), ("keeps", settlement.keeps)):
                for i, oid in enumerate(ids):
                    if oid not in objectives:
                        close = difflib.get_close_matches(oid, objectives, n=1)
                        raise ValueProblem(
                            f"{oid!r} is not an objective",
                            (f"did you mean {close[0]!r}? " if close else "") + f"objectives: {', '.join(objectives)}",
                            at=("settlements", sid, field, i),
                        )
            both = sorted(set(settlement.handover) & set(settlement.keeps))
            if both:
                raise ValueProblem(
                    f"{', '.join(both)} both handed over and kept",
                    "a place the terms hand over cannot be their premise too: remove it from `keeps`",
                    at=("settlements", sid, "keeps"),
                )
        problem = expectation_problems(self.expectations)
        if problem is not None:
            raise problem
        if self.joint is not None:
            try:  # any parameter: one a what-if fixes keeps its fixed value (`draw_parameters`)
                self._joint = read_joint_sample(self.joint.sample, self.parameter_specs())
            except ValueProblem as exc:
                raise ValueProblem(exc.message, exc.hint, at=("joint", *exc.at)) from None
        return self

    def joint_sample(self) -> JointSample | None:
        """The points parameters are drawn from jointly, if the scenario names a sample."""
        return self._joint

    def _check_ground(self, objectives: list[str]) -> None:
        """Every place's terrain and fortification are declared under `ground:`; capabilities and rungs have distinct
        names; a place of someone's own territory names an actor."""
        for sid, sector in self.world.sectors.items():
            for oid, o in sector.objectives.items():
                at = ("world", "sectors", sid, "objectives", oid)
                if o.terrain not in self.ground.terrain:
                    close = difflib.get_close_matches(o.terrain, list(self.ground.terrain), n=1)
                    raise ValueProblem(
                        f"unknown terrain {o.terrain!r}",
                        (f"did you mean {close[0]!r}? " if close else "")
                        + f"kinds declared under ground.terrain: {', '.join(self.ground.terrain)}",
                        at=(*at, "terrain"),
                    )
                if o.fortification and o.fortification not in self.ground.fortification:
                    raise ValueProblem(
                        f"fortification level {o.fortification} is not declared",
                        "levels under ground.fortification: "
                        + (", ".join(map(str, self.ground.fortification)) or "(none)"),
                        at=(*at, "fortification"),
                    )
                if o.territory_of is not None and o.territory_of not in self.actors:
                    raise ValueProblem(
                        f"{o.territory_of!r} is not an actor",
                        f"actors: {', '.join(self.actors)}",
                        at=(*at, "territory_of"),
                    )
        dig_in = self.combat.dig_in_level  # type: ignore[attr-defined]
        if self.combat.dig_in_days is not None and dig_in not in self.ground.fortification:  # type: ignore[attr-defined]
            raise ValueProblem(
                f"fortification level {dig_in} is not declared",
                "levels under ground.fortification: " + (", ".join(map(str, self.ground.fortification)) or "(none)"),
                at=("combat", "dig_in_level"),
            )
        if not any(
            o.territory_of is None for sector in self.world.sectors.values() for o in sector.objectives.values()
        ):
            raise ValueProblem("no place of the contested region", "leave `territory_of` out of the contested places")
        names = set(self.world.capabilities)
        for actor, block in self.actors.items():
            for rung in getattr(block, "ladder", {}) or {}:
                if rung in names:
                    raise ValueProblem(
                        f"rung {rung!r} has the name of a capability or of another backer's rung",
                        "give every capability and rung a name of its own",
                        at=("actors", actor, "ladder", rung),
                    )
                names.add(rung)
        del objectives

    def _check_roles(self) -> None:
        """One attacker and one defender; objectives held by a party; every treaty covers an actor."""
        schemas = policy_schemas()
        by_role: dict[Role, list[str]] = {}
        for name, block in self.actors.items():
            by_role.setdefault(schemas[block.policy].role, []).append(name)
        for role in ONE_EACH:
            names = by_role.get(role, [])
            if len(names) != 1:
                wanted = [k for k, v in schemas.items() if v.role == role]
                raise ValueProblem(
                    f"a scenario needs exactly one {role}, got {len(names)}"
                    + (f": {', '.join(names)}" if names else ""),
                    f"give one actor `policy: {wanted[0]}`",
                    at=("actors", names[1]) if len(names) > 1 else ("actors",),
                )
        for name, block in self.actors.items():
            treaty = getattr(block, "treaty", None)
            for i, covered in enumerate(treaty.covers if treaty is not None else ()):
                if covered not in self.actors:
                    raise ValueProblem(
                        f"{covered!r} is not an actor",
                        f"actors: {', '.join(self.actors)}",
                        at=("actors", name, "treaty", "covers", i),
                    )
        parties = (by_role[Role.ATTACKER][0], by_role[Role.DEFENDER][0])
        for sid, sector in self.world.sectors.items():
            for oid, o in sector.objectives.items():
                if o.held_by not in parties:
                    raise ValueProblem(
                        f"held_by {o.held_by!r} is neither the attacker nor the defender",
                        f"one of: {', '.join(parties)}",
                        at=("world", "sectors", sid, "objectives", oid, "held_by"),
                    )

    def role_of(self, actor: str) -> Role:
        """The role an actor plays (by the policy it follows)."""
        return policy_schemas()[self.actors[actor].policy].role

    def by_role(self, role: Role) -> list[str]:
        """The actors that play `role`, in the order written."""
        return [name for name in self.actors if self.role_of(name) is role]

    def label(self, actor: str) -> str:
        """An actor's name for readers: its `label`, or its id capitalised."""
        block = self.actors[actor]
        return str(block.label) if block.label else actor.replace("_", " ").title()

    def active_expectations(self) -> dict[str, Expectation]:
        """The expectations in force (a variant may drop some)."""
        return {k: e for k, e in self.expectations.items() if not e.drop}


def _rebuild() -> None:
    """Validate `actors:` blocks against the union of the registered policies' blocks (by their `policy` tag)."""
    blocks = tuple(schema.params for schema in policy_schemas().values())
    union = blocks[0] if len(blocks) == 1 else Union[blocks]  # noqa: UP007
    Scenario.model_rebuild(force=True, _types_namespace={"ActorBlock": Annotated[union, Field(discriminator="policy")]})


_rebuild()
