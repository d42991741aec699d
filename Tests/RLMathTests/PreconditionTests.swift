import RLMath
import Testing

/// Out-of-range arguments are programming errors inside the library: each stops the process, with a message
/// (printed in release builds too) naming the function, the argument and its allowed range.
@Suite("Argument preconditions")
struct PreconditionTests {
    /// Expects the exit test's standard error to contain `message`.
    static func expect(
        _ result: ExitTest.Result?, says message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let standardError = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(standardError.contains(message), "stderr: \(standardError.prefix(300))", sourceLocation: sourceLocation)
    }

    @Test("gae stops on λ or γ outside [0, 1] (including NaN) and on mismatched lengths, naming the argument")
    func gaeArguments() async {
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = gae(rewards: [Float(1)], values: [0], mask: [true], gamma: 1, lambda: 1.5)
            }, says: "gae: lambda must be in [0, 1], got 1.5")
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = gae(rewards: [Float(1)], values: [0], mask: [true], gamma: -0.25, lambda: 1)
            }, says: "gae: gamma must be in [0, 1], got -0.25")
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = gae(rewards: [Float(1)], values: [0], mask: [true], gamma: 1, lambda: .nan)
            }, says: "gae: lambda must be in [0, 1], got nan")
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = gae(rewards: [Float(1), 2], values: [0], mask: [true, true], gamma: 1, lambda: 1)
            }, says: "gae: rewards (2), values (1), mask (2) must have the same length")
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = decoupledGAE(
                    rewards: [[Float(1)]], values: [[0]], masks: [[true]], gamma: 1, lambdaCritic: 1, lambdaPolicy: [])
            }, says: "lambdaPolicy (0) must have the same length")
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = decoupledGAE(
                    rewards: [Float(1)], values: [0], mask: [true], gamma: 1, lambdaCritic: 2, lambdaPolicy: 0.5)
            }, says: "gae: lambda must be in [0, 1], got 2.0")
    }

    @Test("lengthAdaptiveLambda stops on α ≤ 0, λ_min outside [0, 1) and a negative length, naming the argument")
    func lambdaArguments() async {
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = lengthAdaptiveLambda(validLength: 10, alpha: Float(0))
            }, says: "lengthAdaptiveLambda: alpha must be > 0, got 0.0")
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = lengthAdaptiveLambda(validLength: 10, lambdaMin: Float(1))
            }, says: "lengthAdaptiveLambda: lambdaMin must be in [0, 1), got 1.0")
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = lengthAdaptiveLambda(validLength: 10, lambdaMin: Float(-0.5))
            }, says: "lambdaMin must be in [0, 1), got -0.5")
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = lengthAdaptiveLambda(validLength: -1) as Float
            }, says: "lengthAdaptiveLambda: validLength must be ≥ 0, got -1")
    }

    @Test("whitening, broadcasting, k3 and the overlong punishment stop on mismatched or out-of-range arguments")
    func otherArguments() async {
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = whiten([[Float(1), 2]], masks: [[true]])
            }, says: "whiten: values[0] (2), masks[0] (1) must have the same length")
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = broadcastToTokens([Float(1)], masks: [])
            }, says: "broadcastToTokens: advantages (1), masks (0) must have the same length")
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = k3KL(logProbs: [Float(1)], referenceLogProbs: [], mask: [true])
            }, says: "k3KL: logProbs (1), referenceLogProbs (0), mask (1) must have the same length")
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = softOverlongPunishment(length: 5, maxLength: 10, cacheLength: 11) as Float
            }, says: "softOverlongPunishment: cacheLength must be in [0, maxLength = 10], got 11")
        Self.expect(
            await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
                _ = softOverlongPunishment(length: -1, maxLength: 10, cacheLength: 2) as Float
            }, says: "softOverlongPunishment: length must be ≥ 0, got -1")
    }
}
