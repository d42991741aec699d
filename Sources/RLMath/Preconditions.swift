// Specs/rl-math.md, "Argument checks".
/// Argument checks shared by the RL math. A violated check is a programming error inside the library (user
/// input is validated earlier, by the command line), so it stops the program with a message naming the
/// function, the argument and its allowed range. `precondition` would do the same, but optimised builds drop
/// its message; `fatalError` prints it in every build.
@inline(__always)
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

@inline(__always)
func requireUnitInterval<S: RLScalar>(_ x: S, _ name: String, in function: String) {
    // Written so that a NaN fails too: every comparison with NaN is false.
    require(x >= .zero && x <= .one, "\(function): \(name) must be in [0, 1], got \(x)")
}

@inline(__always)
func requireSameLength(_ counts: [(String, Int)], in function: String) {
    require(
        counts.allSatisfy { $0.1 == counts[0].1 },
        "\(function): " + counts.map { "\($0.0) (\($0.1))" }.joined(separator: ", ") + " must have the same length")
}
