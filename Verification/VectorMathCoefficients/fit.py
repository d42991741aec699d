#!/usr/bin/env python3
"""Derives the Float polynomial coefficients of Sources/Kernels/VectorMath/{Exp,Log,Tanh}.swift.

Method (a discrete minimax fit with greedy rounding to Float, in the spirit of Sollya's fpminimax):
  1. Each function is written as  f(v) = known part + h(v) * P(v),  with P a polynomial to fit
     (see FITS below). The error of f caused by an error e in P is h(v) * e, so the fit minimises the
     weighted error  max |w(v) * (g(v) - P(v))|  with  g = (f - known)/h  and  w = h / f  (relative error
     of f, the quantity that ulp errors measure).
  2. g and w are evaluated with mpmath at 60 digits on 4000 Chebyshev points of the interval (plus its
     endpoints), so the cancellation in (f - known) costs nothing.
  3. The discrete minimax problem  min t  s.t.  |w_i (g_i - sum_j c_j v_i^j)| <= t  is a linear
     program, solved by scipy's HiGHS.
  4. Greedy rounding: round c_0 to the nearest Float, refit c_1..c_d with c_0 fixed, round c_1, and so
     on. Rounding each coefficient while the later ones can still compensate keeps the final error
     close to the unrounded minimax error.
Prints, per function, the coefficients as Swift hexadecimal float literals, the minimax weighted error
before rounding and the error with the Float coefficients (measured on a 20x denser grid), in units of
2^-24 (one half-ulp of relative error at the bottom of a binade, roughly).

Run: python3 Verification/VectorMathCoefficients/fit.py   (needs numpy, scipy, mpmath)
"""
import mpmath as mp
import numpy as np
from scipy.optimize import linprog

mp.mp.dps = 60

def f32(v):
    return float(np.float32(v))

def hexf(v):
    """A Swift hexadecimal float literal that denotes exactly the Float v."""
    h = float(v).hex()  # e.g. 0x1.5555560000000p-3
    mant, exp = h.split('p')
    mant = mant.rstrip('0').rstrip('.') if '.' in mant else mant
    return f"{mant}p{exp}"

def chebyshev_grid(a, b, n):
    k = np.arange(n)
    pts = [mp.mpf(a) + (mp.mpf(b) - mp.mpf(a)) * (1 - mp.cos(mp.pi * (mp.mpf(int(i)) + 0.5) / n)) / 2 for i in k]
    return [mp.mpf(a)] + pts + [mp.mpf(b)]

def minimax(v, g, w, degree, fixed):
    """Coefficients c_0..c_degree minimising max |w (g - sum c_j v^j)|, with c_j = fixed[j] for j < len(fixed)."""
    v = np.array([float(x) for x in v]); g = np.array([float(x) for x in g]); w = np.array([float(x) for x in w])
    residual = g - sum(c * v**j for j, c in enumerate(fixed))
    free = list(range(len(fixed), degree + 1))
    # Scaled so that HiGHS's absolute tolerances (1e-7) are far below the errors sought (~1e-9): the
    # error in units of 2^-24, the basis in v / max|v| (columns of comparable size).
    w = w * 2**24
    scale = np.max(np.abs(v))
    basis = np.stack([(v / scale)**j for j in free], axis=1)
    # variables: free coefficients, then t. Constraints: +-w*(residual - basis c) <= t.
    wb = w[:, None] * basis
    wr = w * residual
    ones = np.ones((len(v), 1))
    A = np.vstack([np.hstack([-wb, -ones]), np.hstack([wb, -ones])])
    b = np.concatenate([-wr, wr])
    cost = np.zeros(len(free) + 1); cost[-1] = 1
    res = linprog(cost, A_ub=A, b_ub=b, bounds=[(None, None)] * (len(free) + 1), method="highs")
    assert res.success, res.message
    return list(fixed) + [c / scale**j for j, c in zip(free, res.x[:-1])], res.x[-1] * 2**-24

def weighted_error(coefficients, v, g, w):
    p = [mp.mpf(0)] * len(v)
    return max(abs(wi * (gi - sum(mp.mpf(c) * vi**j for j, c in enumerate(coefficients)))) for vi, gi, wi in zip(v, g, w))

def fit(name, a, b, degree, target, weight, note):
    v = chebyshev_grid(a, b, 4000)
    g = [target(x) for x in v]; w = [weight(x) for x in v]
    exact, err = minimax(v, g, w, degree, [])
    fixed = []
    for j in range(degree + 1):
        c, _ = minimax(v, g, w, degree, fixed)
        fixed.append(f32(c[j]))
    dense = chebyshev_grid(a, b, 20000)
    rounded_err = weighted_error(fixed, dense, [target(x) for x in dense], [weight(x) for x in dense])
    print(f"{name}: {note}\n  interval [{a}, {b}], degree {degree}")
    print(f"  minimax weighted error {err / 2**-24:.4f} x 2^-24 (real coefficients), "
          f"{float(rounded_err) / 2**-24:.4f} x 2^-24 (Float coefficients)")
    for j, c in enumerate(fixed):
        print(f"  c{j} = {hexf(c)}  // {c!r}")
    return fixed

LN2_HALF = float(mp.log(2) / 2)

# exp(r) = 1 + r + r^2 * P(r) on |r| <= ln2/2 (plus 1e-5: n is rounded from a Float product, so r can
# overshoot ln2/2 a little).
fit("exp", -LN2_HALF - 1e-5, LN2_HALF + 1e-5, 4,
    lambda r: (mp.exp(r) - 1 - r) / r**2, lambda r: r**2 / mp.exp(r),
    "exp(r) = 1 + r + r^2 P(r)")

# log(1 + f) = f + f^2 * P(f) on f = m - 1, m in [2/3, 4/3).
fit("log", -1/3 - 1e-7, 1/3 + 1e-7, 8,
    lambda f: (mp.log1p(f) - f) / f**2, lambda f: f**2 / abs(mp.log1p(f)),
    "log(1 + f) = f + f^2 P(f)")

# tanh(x) = x + x^3 * P(x^2) on |x| < 1, fitted in s = x^2. Above 1, Tanh.swift uses 1 - 2/(e^2x + 1),
# whose rounding errors shrink as the result nears 1; the threshold 1 balances the two branches' errors.
fit("tanh", 1e-30, 1.0, 7,
    lambda s: (mp.tanh(mp.sqrt(s)) - mp.sqrt(s)) / mp.sqrt(s)**3,
    lambda s: mp.sqrt(s)**3 / mp.tanh(mp.sqrt(s)),
    "tanh(x) = x + x^3 P(x^2), P in s = x^2")
