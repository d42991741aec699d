import CGMP
import RLMath

/// An exact rational number backed by GMP's `mpq_t`: the scalar of the exact references and of the
/// production RL code when it runs in tests (`RLScalar`).
///
/// A value type: it wraps one GMP rational that is filled once, when the value is created, and never
/// changed afterwards, so copies share it and read it from any thread (GMP's reads are thread-safe). The
/// value is always canonical (numerator and denominator coprime, denominator positive), which is what
/// makes `==`, `hash(into:)` and `description` functions of the number alone.
public struct Rational: Sendable {
    let storage: RationalStorage

    /// Builds a value by letting `fill` write into a fresh, zero-initialised GMP rational. `fill` must
    /// leave it canonical (every `__gmpq_*` arithmetic call does).
    init(filling fill: (UnsafeMutablePointer<__mpq_struct>) -> Void) {
        storage = RationalStorage()
        fill(storage.pointer)
    }

    /// Calls `body` with the GMP rational, keeping it alive for the duration of the call.
    func withPointer<Result>(_ body: (UnsafePointer<__mpq_struct>) -> Result) -> Result {
        withExtendedLifetime(storage) { body(storage.pointer) }
    }

    /// The integer `value`.
    public init(_ value: Int) {
        self.init { __gmpq_set_si($0, value, 1) }
    }

    /// numerator/denominator, reduced to lowest terms. The denominator must not be zero.
    public init(numerator: Int, denominator: Int) {
        precondition(denominator != 0, "Rational: zero denominator")
        self.init { q in
            __gmpz_set_si(q.numerator, numerator)
            __gmpz_set_si(q.denominator, denominator)
            __gmpq_canonicalize(q)
        }
    }

    /// -1, 0 or 1.
    public var signum: Int { withPointer { Int($0.pointee._mp_num._mp_size.signum()) } }

    /// |self|.
    public var magnitude: Rational {
        withPointer { x in Rational { __gmpq_abs($0, x) } }
    }

    /// Whether the denominator is 1.
    public var isInteger: Bool {
        withPointer { __gmpz_cmp_ui($0.denominatorPointer, 1) == 0 }
    }

    /// self raised to a non-negative integer power (0⁰ = 1), by repeated squaring.
    public func power(_ exponent: Int) -> Rational {
        precondition(exponent >= 0, "Rational.power: negative exponent")
        var result = Rational.one
        var base = self
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result = result * base }
            remaining >>= 1
            if remaining > 0 { base = base * base }
        }
        return result
    }
}

/// Owns one GMP rational and clears it when the last `Rational` sharing it goes away.
final class RationalStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<__mpq_struct>

    init() {
        pointer = .allocate(capacity: 1)
        __gmpq_init(pointer)
    }

    deinit {
        __gmpq_clear(pointer)
        pointer.deallocate()
    }
}

extension UnsafeMutablePointer<__mpq_struct> {
    /// GMP's `mpq_numref`, a macro Swift cannot import.
    var numerator: UnsafeMutablePointer<__mpz_struct> { pointer(to: \._mp_num)! }
    /// GMP's `mpq_denref`.
    var denominator: UnsafeMutablePointer<__mpz_struct> { pointer(to: \._mp_den)! }
}

extension UnsafePointer<__mpq_struct> {
    var numeratorPointer: UnsafePointer<__mpz_struct> { pointer(to: \._mp_num)! }
    var denominatorPointer: UnsafePointer<__mpz_struct> { pointer(to: \._mp_den)! }
}

// MARK: - Field operations

extension Rational: RLScalar {
    public static var zero: Rational { Rational(0) }

    public static func + (lhs: Rational, rhs: Rational) -> Rational {
        binary(lhs, rhs, __gmpq_add)
    }

    public static func - (lhs: Rational, rhs: Rational) -> Rational {
        binary(lhs, rhs, __gmpq_sub)
    }

    public static func * (lhs: Rational, rhs: Rational) -> Rational {
        binary(lhs, rhs, __gmpq_mul)
    }

    /// Exact quotient; the divisor must not be zero.
    public static func / (lhs: Rational, rhs: Rational) -> Rational {
        precondition(rhs.signum != 0, "Rational: division by zero")
        return binary(lhs, rhs, __gmpq_div)
    }

    public static prefix func - (operand: Rational) -> Rational {
        operand.withPointer { x in Rational { __gmpq_neg($0, x) } }
    }

    private static func binary(
        _ lhs: Rational, _ rhs: Rational,
        _ operation: (UnsafeMutablePointer<__mpq_struct>, UnsafePointer<__mpq_struct>, UnsafePointer<__mpq_struct>) -> Void
    ) -> Rational {
        lhs.withPointer { a in rhs.withPointer { b in Rational { operation($0, a, b) } } }
    }
}

// MARK: - Order and identity

extension Rational: Comparable, Hashable {
    public static func == (lhs: Rational, rhs: Rational) -> Bool {
        lhs.withPointer { a in rhs.withPointer { b in __gmpq_equal(a, b) != 0 } }
    }

    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        lhs.withPointer { a in rhs.withPointer { b in __gmpq_cmp(a, b) < 0 } }
    }

    /// Hashes the limbs of the canonical numerator and denominator, so equal values hash equally.
    public func hash(into hasher: inout Hasher) {
        withPointer { q in
            for integer in [q.numeratorPointer, q.denominatorPointer] {
                let size = Int(integer.pointee._mp_size)
                hasher.combine(size)
                for limb in 0..<abs(size) { hasher.combine(integer.pointee._mp_d[limb]) }
            }
        }
    }
}

extension Rational: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}
