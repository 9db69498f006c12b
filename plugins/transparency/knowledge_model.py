"""The model of what a reader knows: quantities (each published or implied number, with what
it is to the audit), the category groups a reader knows, and the two ways a relation ties
quantities (exactly, or a group at least its members). knowledge.py builds it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .classifications import is_age_dimension
from .published import PublishedRelation, PublishedTable, Ref

BIG = 10**7  # an upper bound no count of children reaches; keeps every programme bounded

# What a quantity is to the audit.
VISIBLE = "visible"  # a published number: a constant
HIDDEN = "hidden"  # [c] on a count of children or records: must keep MIN_FEASIBLE_RANGE values
IMPLIED = "implied"  # never printed, implied by relations: must not be pinned to a small count
BOUNDED = "bounded"  # known only to a printed precision (the count behind a visible percentage)
UNUSABLE = "unusable"  # [x], [z], or a hidden number that is not a count: tells nothing


@dataclass
class Quantity:
    """One number as a reader knows it."""

    ref: Ref
    role: str
    label: str
    value: float | None = None  # VISIBLE only
    low: float = 0.0  # bounds of an unknown
    high: float = float(BIG)
    sensitive: bool = False
    total: bool = False  # a margin: a reader expects it to be large
    headline: bool = False
    decimals: int = 0
    counts: str = "none"
    unit: str = "count"


@dataclass(frozen=True)
class Hierarchy:
    """A category group and its members, as a reader knows them: shipped (the DfE ethnic
    groups), declared in a period (`hierarchy`), or age bands read from their labels, which
    hold only in dimensions of age (classifications.is_age_dimension)."""

    group: str
    members: tuple[str, ...]
    declared: bool
    ages: bool = False

    def applies_to(self, table: PublishedTable, dim: str) -> bool:
        return not self.ages or is_age_dimension(dim, table.dimensions[dim])


@dataclass
class Model:
    """Quantities by reference, the relations between them, and the thresholds of the rule."""

    threshold: int
    sensitive_threshold: int
    # Category groups a reader knows. A reader takes the members a table shows for the whole
    # of a shipped group; a declared group, or an age band, is exactly its members.
    hierarchies: list[Hierarchy] = field(default_factory=list)
    quantities: dict[Ref, Quantity] = field(default_factory=dict)
    relations: list[PublishedRelation] = field(default_factory=list)
    # Relations a reader derives from the tables themselves (lines and their Total rows); the
    # CSV downloads carry these, so the data package does not list them.
    lines: list[PublishedRelation] = field(default_factory=list)
    # What a reader can combine but the model cannot say, as (version, table, what and how to
    # settle it): the site-wide audit stops the build on each (fail closed).
    unmodelled: list[tuple[str, str, str]] = field(default_factory=list)

    def small_bound(self, q: Quantity) -> float:
        return float(self.sensitive_threshold if q.sensitive else self.threshold)

    def lower(self, sensitive: bool) -> float:
        return 0.0 if sensitive else 1.0


def linear(why: str, terms: Iterable[tuple[float, Ref]], constant: float = 0.0,
            tolerance: float = 0.0) -> PublishedRelation:
    return PublishedRelation("linear", why, terms=tuple(terms), constant=constant,
                             tolerance=tolerance)


def group_relation(model: Model, why: str, group: list[Ref], members: list[Ref],
                    exact: bool) -> None:
    """The group is its members (exact) or at least them. A reader takes the members a table
    shows for the whole group, unless the printed numbers show they are not."""
    terms = [*((1.0, r) for r in group), *((-1.0, r) for r in members)]
    quantities = [model.quantities.get(r) for r in (*group, *members)]
    if exact and all(q is not None and q.role == VISIBLE for q in quantities):
        exact = sum(c * (model.quantities[r].value or 0.0) for c, r in terms) == 0
    if exact:
        model.relations.append(linear(why, terms))
    else:  # a group is at least the members a table shows
        model.relations.append(PublishedRelation("bound", why, terms=tuple(terms), low=0.0,
                                                 high=float(BIG)))
