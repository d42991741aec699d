import PropertyBased
import RLMath

/// p/q with small integers: random data that every RLScalar holds exactly (rationals always; Double when
/// q = 1), so that exact identities can be checked with ==.
struct Fraction: Sendable, CustomStringConvertible {
    var p: Int
    var q: Int

    func value<S: RLScalar>(_: S.Type = S.self) -> S { S(p) / S(q) }
    var description: String { "\(p)/\(q)" }
}

/// One random sequence: a reward and a value per token and the token's validity.
struct RandomSequence: Sendable, CustomStringConvertible {
    var rewards: [Fraction]
    var values: [Fraction]
    var mask: [Bool]

    func rewards<S: RLScalar>(_: S.Type = S.self) -> [S] { rewards.map { $0.value() } }
    func values<S: RLScalar>(_: S.Type = S.self) -> [S] { values.map { $0.value() } }
    var description: String { "rewards \(rewards) values \(values) mask \(mask.map { $0 ? 1 : 0 })" }
}

/// One random sequence of Floats or Doubles (rewards and values in [−2, 2]).
struct FloatingSequence<F: BinaryFloatingPoint & Sendable>: Sendable {
    var rewards: [F]
    var values: [F]
    var mask: [Bool]
}

enum RLTestData {
    /// p/q with p in `numerators`, q in `denominators`.
    static func fraction(
        _ numerators: ClosedRange<Int> = -40...40, over denominators: ClosedRange<Int> = 1...12
    ) -> Generator<Fraction, some SendableSequenceType> {
        zip(Gen.int(in: numerators), Gen.int(in: denominators)).map { Fraction(p: $0, q: $1) }
    }

    /// A fraction in [0, 1] with denominator ≤ 12: 0 and 1 come up often (p ≥ q gives 1).
    static let unitFraction = zip(Gen.int(in: 0...14), Gen.int(in: 1...12)).map {
        Fraction(p: min($0, $1), q: $1)
    }

    /// A sequence of up to `length` tokens with fractional rewards and values (integers when
    /// `integers`), each token valid with probability 0.75.
    static func sequence(length: ClosedRange<Int> = 0...30, integers: Bool = false)
        -> Generator<RandomSequence, some SendableSequenceType>
    {
        zip(fraction(over: integers ? 1...1 : 1...12), fraction(over: integers ? 1...1 : 1...12), Gen.bool(0.75))
            .array(of: length)
            .map { tokens in
                RandomSequence(rewards: tokens.map(\.0), values: tokens.map(\.1), mask: tokens.map(\.2))
            }
    }

    /// A Float sequence of up to `length` tokens, each valid with probability `validRate`.
    static func floatSequence(length: ClosedRange<Int> = 0...60, validRate: Float = 0.75)
        -> Generator<FloatingSequence<Float>, some SendableSequenceType>
    {
        zip(Gen.float(in: -2...2), Gen.float(in: -2...2), Gen.bool(validRate))
            .array(of: length)
            .map { FloatingSequence(rewards: $0.map(\.0), values: $0.map(\.1), mask: $0.map(\.2)) }
    }

    /// A Double sequence of up to `length` tokens, each valid with probability 0.75.
    static func doubleSequence(length: ClosedRange<Int> = 0...60)
        -> Generator<FloatingSequence<Double>, some SendableSequenceType>
    {
        zip(Gen.double(in: -2...2), Gen.double(in: -2...2), Gen.bool(0.75))
            .array(of: length)
            .map { FloatingSequence(rewards: $0.map(\.0), values: $0.map(\.1), mask: $0.map(\.2)) }
    }

    /// The rounding bound of (x − mean)/scale over n values (whitening, Specs/rl-math.md; GRPO's std
    /// variant, Specs/rl-math.md), for an exact result y, mean magnitude a = mean|x| and scale s:
    /// |ŷ − y| ≤ (n + 8)·u·(|y| + a/s) + 2|y|·((n + 1)·u·a/s)².
    static func normalizationBound(y: Double, count n: Double, meanMagnitude a: Double, scale s: Double, u: Double)
        -> Double
    {
        let secondOrder = (n + 1) * u * a / s
        return (n + 8) * u * (abs(y) + a / s) + 2 * abs(y) * secondOrder * secondOrder
    }

    /// The index of the next valid token after t, if any.
    static func nextValid(after t: Int, in mask: [Bool]) -> Int? {
        mask.indices.first { $0 > t && mask[$0] }
    }
}
