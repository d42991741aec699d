import ExactReferences

/// The exact values of finite Doubles; a non-finite entry (NaN padding at a masked position) becomes an
/// arbitrary large rational, which the losses must ignore just the same.
func exact(_ rows: [[Double]]) -> [[Rational]] {
    rows.map { $0.map { Rational(exactly: $0) ?? Rational(987_654_321) } }
}

func exact(_ x: Double) -> Rational { Rational(exactly: x)! }

/// u = 2⁻⁵³, the unit roundoff of Double.
let doubleUnitRoundoff = Rational(numerator: 1, denominator: 1 << 53)

/// Whether `computed` is within `roundings`·u relative of `exact` (so exactly 0 where `exact` is 0): what k
/// roundings to nearest, each off by a factor (1 + δ) with |δ| ≤ u, can do to first order.
func isClose(_ computed: Double, to exact: Rational, roundings: Int) -> Bool {
    guard let value = Rational(exactly: computed) else { return false }
    return (value - exact).magnitude <= Rational(roundings) * doubleUnitRoundoff * exact.magnitude
}
