import PropertyBased
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// `checkProperty` is `propertyCheck` (swift-property-based) with one addition: when a body traps (a
// precondition failure, an index out of range), the process dies before the library can print its replay
// seed; so each input is recorded, task-locally and without formatting it, while its body runs, and a handler
// of the trap signals prints it (the test, then the input) before the crash proceeds as it would have.
// One overload per number of generators, as the library has: a parameter pack over `Generator` crashes the
// compiler (swift-property-based's PropertyCheck+Pack.swift says so), so the arities are spelled out.

/// `propertyCheck` with 1 generator, reporting the input of a body that traps.
public func checkProperty<InA, OutA>(
    count: Int = 100,
    input g0: Generator<OutA, some Sequence<InA>>,
    perform body: (OutA) async throws -> Void,
    isolation: isolated (any Actor)? = #isolation,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    await propertyCheck(count: count, input: g0, perform: { value in
        try await PropertyTrapReport.recording(value) { try await body(value) }
    }, isolation: isolation, sourceLocation: sourceLocation)
}

/// `propertyCheck` with 2 generators, reporting the input of a body that traps.
public func checkProperty<InA, InB, OutA, OutB>(
    count: Int = 100,
    input g0: Generator<OutA, some Sequence<InA>>,
    _ g1: Generator<OutB, some Sequence<InB>>,
    perform body: (OutA, OutB) async throws -> Void,
    isolation: isolated (any Actor)? = #isolation,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    await propertyCheck(count: count, input: g0, g1, perform: { v0, v1 in
        try await PropertyTrapReport.recording((v0, v1)) { try await body(v0, v1) }
    }, isolation: isolation, sourceLocation: sourceLocation)
}

/// `propertyCheck` with 3 generators, reporting the input of a body that traps.
public func checkProperty<InA, InB, InC, OutA, OutB, OutC>(
    count: Int = 100,
    input g0: Generator<OutA, some Sequence<InA>>,
    _ g1: Generator<OutB, some Sequence<InB>>,
    _ g2: Generator<OutC, some Sequence<InC>>,
    perform body: (OutA, OutB, OutC) async throws -> Void,
    isolation: isolated (any Actor)? = #isolation,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    await propertyCheck(count: count, input: g0, g1, g2, perform: { v0, v1, v2 in
        try await PropertyTrapReport.recording((v0, v1, v2)) { try await body(v0, v1, v2) }
    }, isolation: isolation, sourceLocation: sourceLocation)
}

/// `propertyCheck` with 4 generators, reporting the input of a body that traps.
public func checkProperty<InA, InB, InC, InD, OutA, OutB, OutC, OutD>(
    count: Int = 100,
    input g0: Generator<OutA, some Sequence<InA>>,
    _ g1: Generator<OutB, some Sequence<InB>>,
    _ g2: Generator<OutC, some Sequence<InC>>,
    _ g3: Generator<OutD, some Sequence<InD>>,
    perform body: (OutA, OutB, OutC, OutD) async throws -> Void,
    isolation: isolated (any Actor)? = #isolation,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    await propertyCheck(count: count, input: g0, g1, g2, g3, perform: { v0, v1, v2, v3 in
        try await PropertyTrapReport.recording((v0, v1, v2, v3)) { try await body(v0, v1, v2, v3) }
    }, isolation: isolation, sourceLocation: sourceLocation)
}

/// `propertyCheck` with 5 generators, reporting the input of a body that traps.
public func checkProperty<InA, InB, InC, InD, InE, OutA, OutB, OutC, OutD, OutE>(
    count: Int = 100,
    input g0: Generator<OutA, some Sequence<InA>>,
    _ g1: Generator<OutB, some Sequence<InB>>,
    _ g2: Generator<OutC, some Sequence<InC>>,
    _ g3: Generator<OutD, some Sequence<InD>>,
    _ g4: Generator<OutE, some Sequence<InE>>,
    perform body: (OutA, OutB, OutC, OutD, OutE) async throws -> Void,
    isolation: isolated (any Actor)? = #isolation,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    await propertyCheck(count: count, input: g0, g1, g2, g3, g4, perform: { v0, v1, v2, v3, v4 in
        try await PropertyTrapReport.recording((v0, v1, v2, v3, v4)) { try await body(v0, v1, v2, v3, v4) }
    }, isolation: isolation, sourceLocation: sourceLocation)
}

/// `propertyCheck` with 6 generators, reporting the input of a body that traps.
public func checkProperty<InA, InB, InC, InD, InE, InF, OutA, OutB, OutC, OutD, OutE, OutF>(
    count: Int = 100,
    input g0: Generator<OutA, some Sequence<InA>>,
    _ g1: Generator<OutB, some Sequence<InB>>,
    _ g2: Generator<OutC, some Sequence<InC>>,
    _ g3: Generator<OutD, some Sequence<InD>>,
    _ g4: Generator<OutE, some Sequence<InE>>,
    _ g5: Generator<OutF, some Sequence<InF>>,
    perform body: (OutA, OutB, OutC, OutD, OutE, OutF) async throws -> Void,
    isolation: isolated (any Actor)? = #isolation,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    await propertyCheck(count: count, input: g0, g1, g2, g3, g4, g5, perform: { v0, v1, v2, v3, v4, v5 in
        try await PropertyTrapReport.recording((v0, v1, v2, v3, v4, v5)) { try await body(v0, v1, v2, v3, v4, v5) }
    }, isolation: isolation, sourceLocation: sourceLocation)
}
