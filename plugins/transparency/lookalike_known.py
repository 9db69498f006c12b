"""A count of people as the look-alike checks know it (lookalikes.py, lookalike_sums.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .published import Ref


@dataclass(frozen=True)
class Known:
    """A count of people as the publish step knows it: its place, raw number and whether it is
    hidden."""

    ref: Ref
    value: float
    hidden: bool
    counts: str
    date: object = None  # a snapshot's date
    # When it counts: ('at', date) for a snapshot, ('over', span) for a flow. Two numbers can
    # be the same count only if they count at the same time.
    when: tuple[str, object] = ("", None)
    # A figure, or a table's grand total: what a stock or a flow is (a cell is part of one).
    whole: bool = True
    # The places it stands for, when it is a sum a reader works out (a margin the table does
    # not print is its line's cells): a declaration naming them settles it.
    members: tuple[Ref, ...] = ()
    # A comparator's year ("2023"): it matches a count of the same time in any of these years.
    years: frozenset[int] = frozenset()
    # The `population` its table names: tables of one population are linked by the audit.
    population: str | None = None
    # The year a snapshot is in, or a flow over a whole period ends in (None for part of one).
    year_end: int | None = None
    # The days a flow counts over (its `covers`, read as months), when they are known.
    span: tuple[dt.date, dt.date] | None = None

    @property
    def places(self) -> tuple[Ref, ...]:
        """The places a declaration must name to settle it."""
        return self.members or (self.ref,)

    def same_time(self, other: Known) -> bool:
        """Whether two counts count at one time: the same snapshot date or flow span, or, for
        a comparator's year, a snapshot in that year or a flow ending in it."""
        if self.years or other.years:
            year_of, by_year = (other, self) if self.years else (self, other)
            return bool(year_of.year_end and year_of.year_end in by_year.years)
        return self.when == other.when


