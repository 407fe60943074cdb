"""What the solver maximises, served by blocks of rows and never held whole (see ``assign``).

The benefit of a (free mentee, mentor) pair is its score where the pair may be made and adds to
the total (not forbidden, score >= min_score, score > 0, mentor with a free slot), else exactly
0. Scores on the 1/14-point grid of ``score_matrix`` (or whole numbers) are served as integer
units in float32, where every sum the solver forms is exact; other scores as float64 points,
where the certificate allows a tolerance of 1e-9 x the largest score per pair.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import numpy as np
from numpy.typing import NDArray

from mentoring.scoring import UNIT, Floats, Ints, Matrix, Scorer

Block = NDArray[np.float32] | NDArray[np.float64]
_GRID_SLACK = 1e-7  # how far (in units) a given score may sit from the grid to count as on it
_MAX_UNITS = 2.0**24  # float32 holds every integer up to here exactly


def row_step(width: int) -> int:
    """Rows per block of a pass over a matrix this wide: about 2 MiB of float64."""
    return max(1, (1 << 18) // max(width, 1))


class Benefit(ABC):
    """Benefit of the pairs (rows[r], j) by blocks of r; subclasses supply the raw scores."""

    unit: float  # points per unit of a block (1/14 on the grid, 1 otherwise)
    exact: bool  # blocks hold whole numbers of units (float32): every sum formed is exact
    tol: float  # a pair violates the certificate when b_ij - u_i - v_j exceeds this (units)
    slack: float  # allowed u_i + v_j - b_ij on matched pairs (0 when exact)

    def __init__(
        self,
        rows: NDArray[np.intp],
        caps: Ints,
        banned: list[tuple[int, int]],
        min_score: float,
    ) -> None:
        self.rows, self.caps, self.min_score = rows, caps, min_score
        self.shape = (rows.size, caps.size)
        where = np.full(int(rows.max()) + 1 if rows.size else 0, -1, dtype=np.int64)
        where[rows] = np.arange(rows.size)
        ban = np.array(sorted((where[i], j) for i, j in banned if i < where.size), dtype=np.int64)
        ban = ban.reshape(-1, 2)
        ban = ban[ban[:, 0] >= 0]
        self._ban_r, self._ban_c = ban[:, 0], ban[:, 1]
        self._full = np.flatnonzero(caps <= 0)

    @abstractmethod
    def raw(self, rows: NDArray[np.intp]) -> tuple[Block, NDArray[np.bool_] | None]:
        """(writable scores of these mentee rows in units, mask of score >= min_score or None)."""

    def block(self, start: int, stop: int) -> Block:
        """Benefit of rows start..stop-1 (positions in ``rows``), a fresh writable array."""
        out, allowed = self.raw(self.rows[start:stop])
        if allowed is not None:
            out *= allowed
        np.maximum(out, 0, out=out)
        out[:, self._full] = 0
        lo, hi = np.searchsorted(self._ban_r, [start, stop])
        out[self._ban_r[lo:hi] - start, self._ban_c[lo:hi]] = 0
        return out

    @abstractmethod
    def points(self, rows: Ints, cols: Ints) -> Matrix:
        """Scores in points of the pairs (mentee index rows[k], mentor cols[k])."""


class ScoredBenefit(Benefit):
    """Scores computed on the fly from the profiles' features (exact integer units)."""

    unit, exact, tol, slack = 1.0 / UNIT, True, 0.5, 0.0

    def __init__(
        self,
        scorer: Scorer,
        rows: NDArray[np.intp],
        caps: Ints,
        banned: list[tuple[int, int]],
        min_score: float,
    ) -> None:
        super().__init__(rows, caps, banned, min_score)
        self.scorer = scorer
        # The least whole number of units whose score (k / UNIT in float64, as score_matrix
        # gives it) reaches min_score: the same pairs pass as when comparing score_matrix.
        k = math.ceil(self.min_score * UNIT) - 1
        while k / UNIT < self.min_score:
            k += 1
        self._least = np.float32(max(k, 0))

    def raw(self, rows: NDArray[np.intp]) -> tuple[Block, NDArray[np.bool_] | None]:
        out = self.scorer.units(rows)
        return out, (out >= self._least) if self._least > 0 else None

    def points(self, rows: Ints, cols: Ints) -> Matrix:
        return self.scorer.pair_units(rows, cols) / UNIT


class MatrixBenefit(Benefit):
    """Scores given as a matrix; served as units when all of them sit on the 1/14 grid."""

    def __init__(
        self,
        scores: Matrix,
        rows: NDArray[np.intp],
        caps: Ints,
        banned: list[tuple[int, int]],
        min_score: float,
    ) -> None:
        super().__init__(rows, caps, banned, min_score)
        self.scores = scores
        self.grid = bool(np.abs(scores).max(initial=0.0) * UNIT < _MAX_UNITS)
        step = row_step(scores.shape[1])
        for s in range(0, scores.shape[0], step):
            if not self.grid:
                break
            units = scores[s : s + step] * UNIT
            self.grid = bool(np.abs(units - np.rint(units)).max(initial=0.0) <= _GRID_SLACK)
        if self.grid:
            self.unit, self.exact, self.tol, self.slack = 1.0 / UNIT, True, 0.5, 0.0
        else:
            self.unit, self.exact = 1.0, False
            self.tol = self.slack = 1e-9 * max(1.0, float(np.abs(scores).max(initial=0.0)))

    def raw(self, rows: NDArray[np.intp]) -> tuple[Block, NDArray[np.bool_] | None]:
        given = self.scores[rows]
        allowed = given >= self.min_score
        if not self.grid:
            return given, allowed
        units: Floats = np.rint(given * UNIT).astype(np.float32)
        return units, allowed

    def points(self, rows: Ints, cols: Ints) -> Matrix:
        return np.asarray(self.scores[rows, cols], dtype=np.float64)
