"""Statistical audit of the index: where indicators overlap, how coherent each area is, and how much each indicator
really weighs – the checks of the JRC/OECD *Handbook on Constructing Composite Indicators* (2008, steps 4 and 7)
and of COINr's `get_corr`, `get_cronbach`, `get_PCA` and effective-weight analysis.

Everything is computed on the normalised scores the index itself uses (cached on `IndexData`), for the units that
are ranked (in the universe, with a composite), so the audit describes the index on screen and nothing else.

Tidy frames with short column codes that a page can rename to Swedish one-to-one:

- `correlations`: one row per indicator pair (`indicator_a`, `indicator_b`, `domain_a`, `domain_b`, `r`, `n`,
  `same_domain`, `flagged`), Pearson on pairwise complete units; |r| ≥ `DOUBLE_COUNT_R` is flagged as possible
  double counting (within or across areas).
- `domains`: per area `n_indicators`, `n_units`, `pc1_share` (share of the variance of the area's standardised
  indicators carried by the first principal component) and `alpha` (Cronbach's α).
- `indicators`: per indicator `domain`, `r_domain`, `r_composite`, `nominal_weight`, `effective_weight`,
  `importance` and `importance_share`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.index.composite import _nominal, effective_weights
from lib.index.data import IndexData
from lib.index.framework import Framework, IndexParams

#: |r| at or above which two indicators probably measure the same thing (the handbook's and COINr's usual mark).
DOUBLE_COUNT_R = 0.9
#: Fewest units a correlation is computed from; below it the figure is noise and is left missing.
MIN_UNITS = 3


@dataclass(frozen=True)
class IndexAudit:
    """The audit of one index (see the module docstring for the columns)."""

    matrix: pd.DataFrame  # m × m Pearson correlations, indicator codes on both axes
    correlations: pd.DataFrame
    domains: pd.DataFrame
    indicators: pd.DataFrame
    unit_codes: tuple[str, ...]  # the units audited (ranked, with a composite)

    @property
    def n_units(self) -> int:
        return len(self.unit_codes)

    @property
    def flagged(self) -> pd.DataFrame:
        """The pairs flagged as possible double counting, strongest first."""
        pairs = self.correlations[self.correlations["flagged"]]
        return pairs.reindex(pairs["r"].abs().sort_values(ascending=False).index)


def pairwise_corr(x: np.ndarray, y: np.ndarray) -> tuple[float, int]:
    """Pearson r of two vectors over the positions where both are finite, and how many there are.

    Pairwise rather than listwise: a unit missing one survey indicator still says how two others move together."""
    ok = np.isfinite(x) & np.isfinite(y)
    n = int(ok.sum())
    if n < MIN_UNITS or np.std(x[ok]) == 0 or np.std(y[ok]) == 0:
        return float("nan"), n
    return float(np.corrcoef(x[ok], y[ok])[0, 1]), n


def correlation_matrix(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """m × m pairwise-complete Pearson correlations of the columns of `scores` and the unit count of each pair."""
    m = scores.shape[1]
    r = np.full((m, m), np.nan)
    n = np.zeros((m, m), dtype=int)
    for i in range(m):
        for j in range(i, m):
            r[i, j], n[i, j] = pairwise_corr(scores[:, i], scores[:, j])
            r[j, i], n[j, i] = r[i, j], n[i, j]
    return r, n


def first_component_share(corr: np.ndarray) -> float:
    """Share of the total variance of k standardised indicators carried by the first principal component: the
    largest eigenvalue of their correlation matrix over k. Near 1 = the area measures one thing (the handbook's
    PCA check); 1/k = the indicators are unrelated. Standardised, because ref100 scores differ in spread and raw
    variances would make the widest indicator the component."""
    k = corr.shape[0]
    if k == 0 or not np.isfinite(corr).all():
        return float("nan")
    if k == 1:
        return 1.0
    return float(np.linalg.eigh(corr)[0][-1] / k)


def cronbach_alpha(items: np.ndarray) -> float:
    """Cronbach's α of the columns of `items` over the units with every item: k/(k−1) · (1 − Σ var(item) /
    var(sum)). Raw (not standardised) α, on the normalised scores the area score averages – the reliability of
    the score as built. Needs two items and two units; it is at most 1 and can be negative."""
    complete = items[np.isfinite(items).all(axis=1)]
    k = complete.shape[1]
    if k < 2 or complete.shape[0] < 2:
        return float("nan")
    total = complete.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / total))


def variance_shares(terms: np.ndarray, composite: np.ndarray) -> np.ndarray:
    """Each term's share of the composite's variance: cov(term_i, composite) / var(composite).

    For an arithmetic mean the composite is the sum of its terms (weight × score per unit), so by the bilinearity
    of the covariance the shares sum to exactly 1 – the decomposition behind COINr's effective weights. A share
    can be negative when a term moves against the rest."""
    c = composite - composite.mean()
    t = terms - terms.mean(axis=0)
    var = float(c @ c)
    if var == 0:
        return np.full(terms.shape[1], np.nan)
    return (t.T @ c) / var


def _terms(scores: np.ndarray, dom: np.ndarray, membership: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Each indicator's term in each unit's arithmetic composite, with the weights the index actually used for that
    unit (a missing indicator's weight goes to the others of its area, a missing area's to the other areas)."""
    avail = np.isfinite(scores)
    den = avail.astype(float) @ (membership * v[:, None])
    domain_w = np.where(np.isfinite(dom), w[None, :], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        domain_w = domain_w / domain_w.sum(axis=1, keepdims=True)
        coef = np.where(den > 0, domain_w / den, 0.0) @ membership.T * v[None, :]
    return np.where(avail, scores, 0.0) * coef


def _pairs(fw: Framework, r: np.ndarray, n: np.ndarray) -> pd.DataFrame:
    rows = [
        (a, b, fw.indicator_domains[i], fw.indicator_domains[j], r[i, j], n[i, j])
        for i, a in enumerate(fw.indicators)
        for j, b in enumerate(fw.indicators)
        if i < j
    ]
    out = pd.DataFrame(rows, columns=["indicator_a", "indicator_b", "domain_a", "domain_b", "r", "n"])
    out["same_domain"] = out["domain_a"] == out["domain_b"]
    out["flagged"] = out["r"].abs() >= DOUBLE_COUNT_R
    return out


def _domain_table(fw: Framework, scores: np.ndarray, r: np.ndarray) -> pd.DataFrame:
    rows = []
    codes = np.asarray(fw.indicator_domains)
    for area in fw.domains:
        idx = np.flatnonzero(codes == area)
        if len(idx) == 0:
            continue
        items = scores[:, idx]
        rows.append(
            {
                "domain": area,
                "n_indicators": len(idx),
                "n_units": int(np.isfinite(items).all(axis=1).sum()),
                "pc1_share": first_component_share(r[np.ix_(idx, idx)]),
                "alpha": cronbach_alpha(items),
            }
        )
    return pd.DataFrame(rows, columns=["domain", "n_indicators", "n_units", "pc1_share", "alpha"])


def audit_index(data: IndexData, framework: Framework, params: IndexParams) -> IndexAudit:
    """The statistical audit of the index `params` computes on `data` (see the module docstring).

    Effective weight: cov(term_i, composite) / var(composite), with term_i the indicator's part of each unit's
    arithmetic composite. Exact (summing to 1) for the arithmetic mean; for the geometric mean the same terms are
    set against the geometric composite and the shares rescaled to sum to 1 – an approximation, stated on screen.

    Importance: the first-order sensitivity index S_i = V(E[y | x_i]) / V(y), estimated as Pearson r² between the
    indicator and the composite (Paruolo, Saisana & Saltelli 2013, as used by the handbook's successors and COINr).
    The composite is linear in each indicator, so the correlation ratio and r² agree up to the nonlinearity a
    smoother would pick up; with about a hundred units a nonparametric smoother mostly adds noise. Alongside the
    raw S_i, `importance_share` rescales them to sum to 1, the form to set against the nominal weights."""
    v, w, scores, universe, dom, _, comp, complete, _ = _nominal(data, framework, params)
    used = universe & complete & np.isfinite(comp)
    x, d, y = scores[used], dom[used], comp[used]
    r, n = correlation_matrix(x)
    membership = framework.membership
    nominal = effective_weights(framework, v, w)
    eff = variance_shares(_terms(x, d, membership, v, w), y) if len(y) >= MIN_UNITS else np.full(len(v), np.nan)
    if params.aggregation == "geometric" and np.isfinite(eff).all() and eff.sum() != 0:
        eff = eff / eff.sum()
    k_of = {a: k for k, a in enumerate(framework.domains)}
    r_domain = [pairwise_corr(x[:, j], d[:, k_of[a]])[0] for j, a in enumerate(framework.indicator_domains)]
    r_comp = np.array([pairwise_corr(x[:, j], y)[0] for j in range(x.shape[1])])
    importance = r_comp**2
    total = np.nansum(importance)
    indicators = pd.DataFrame(
        {
            "indicator": list(framework.indicators),
            "domain": list(framework.indicator_domains),
            "r_domain": r_domain,
            "r_composite": r_comp,
            "nominal_weight": nominal,
            "effective_weight": eff,
            "importance": importance,
            "importance_share": importance / total if total > 0 else np.nan,
        }
    )
    codes = list(framework.indicators)
    return IndexAudit(
        matrix=pd.DataFrame(r, index=codes, columns=codes),
        correlations=_pairs(framework, r, n),
        domains=_domain_table(framework, x, r),
        indicators=indicators,
        unit_codes=tuple(c for c, u in zip(data.unit_codes, used, strict=True) if u),
    )
