import Foundation
import RLMath
import Testing
import VAPO

@Suite("Training configuration")
struct ConfigurationTests {
    static func decode(_ json: String) throws(TrainingConfigurationError) -> TrainingConfiguration {
        try TrainingConfiguration.decode(json: Data(json.utf8))
    }

    /// The configuration's JSON object, field by field.
    static func fields(_ c: TrainingConfiguration) -> [String: String] {
        let object = try! JSONSerialization.jsonObject(with: c.jsonData()) as! [String: Any]
        return object.mapValues { "\($0)" }
    }

    @Test("a JSON configuration may omit any field: {} is the vapo preset, and each field given overrides only itself")
    func omittedFields() throws {
        #expect(try Self.decode("{}") == TrainingConfiguration())
        var expected = TrainingConfiguration()
        expected.seed = 7
        expected.lambdaPolicy = 0.9
        expected.dualClip = 3
        expected.task = "counting"
        #expect(try Self.decode(#"{"seed": 7, "lambdaPolicy": 0.9, "dualClip": 3, "task": "counting"}"#) == expected)
        let defaults = try JSONSerialization.jsonObject(with: TrainingConfiguration().jsonData()) as! [String: Any]
        for name in TrainingConfiguration.fieldNames {
            let one = try JSONSerialization.data(withJSONObject: [name: defaults[name]!])
            #expect(try TrainingConfiguration.decode(json: one) == TrainingConfiguration(), "\(name) at its default changes nothing")
        }
    }

    @Test("\"preset\" (or else \"algorithm\") picks the starting values; other fields override them; null clears an optional field")
    func presetBase() throws {
        var grpo = try TrainingConfiguration.preset(named: "grpo")
        grpo.seed = 3
        #expect(try Self.decode(#"{"preset": "grpo", "seed": 3}"#) == grpo)
        #expect(try Self.decode(#"{"algorithm": "dapo"}"#) == TrainingConfiguration.preset(named: "dapo"))
        var ablation = try TrainingConfiguration.preset(named: "vapo-no-clip-higher")
        ablation.algorithm = .vapo
        #expect(try Self.decode(#"{"preset": "vapo-no-clip-higher", "algorithm": "vapo"}"#) == ablation)
        #expect(try Self.decode(#"{"dualClip": 2}"#).dualClip == 2)
        var cleared = TrainingConfiguration()
        cleared.minDifficulty = nil
        #expect(try Self.decode(#"{"dualClip": null, "minDifficulty": null}"#) == cleared)
    }

    @Test("every preset encodes to JSON with every field and decodes back to itself")
    func roundTrip() throws {
        for name in TrainingConfiguration.presetNames {
            var c = try TrainingConfiguration.preset(named: name)
            c.minDifficulty = 2
            c.valueClipRange = 0.5
            let text = String(decoding: c.jsonData(), as: UTF8.self)
            #expect(try Self.decode(text) == c, "\(name)")
            #expect(Set(Self.fields(c).keys) == Set(TrainingConfiguration.fieldNames), "\(name) writes every field")
        }
    }

    @Test("each ablation preset differs from vapo in exactly its one component; vapo-paper has the paper's constants and critic; the others as documented")
    func presets() throws {
        let vapo = Self.fields(TrainingConfiguration())
        let expected = [
            "vapo-no-value-pretrain": "valuePretraining", "vapo-no-decoupled-gae": "decoupledGAE",
            "vapo-no-length-adaptive-gae": "lengthAdaptiveGAE", "vapo-no-token-level-loss": "tokenLevelLoss",
            "vapo-no-clip-higher": "clipHigher", "vapo-no-positive-lm-loss": "positiveExampleLoss",
            "vapo-no-group-sampling": "groupSampling",
        ]
        #expect(Set(expected.keys) == Set(TrainingConfiguration.ablationNames))
        for (name, field) in expected {
            let ablation = Self.fields(try TrainingConfiguration.preset(named: name))
            let differing = vapo.keys.filter { vapo[$0] != ablation[$0] }
            #expect(differing == [field], "\(name) differs in \(differing)")
            #expect(ablation[field] == "0", "\(name) switches \(field) off")
        }
        let ppo = try TrainingConfiguration.preset(named: "ppo")
        #expect(ppo.algorithm == .ppo && ppo.valueInitialization == .fromRewardModel)
        #expect(!ppo.decoupledGAE && !ppo.lengthAdaptiveGAE && ppo.lambdaPolicy == 0.95, "λ = 0.95 for both")
        let surrogate: ClippedSurrogate<Double> = ppo.surrogate()
        #expect(surrogate.epsilonLow == 0.2 && surrogate.epsilonHigh == 0.2 && surrogate.dualClip == nil)
        #expect(ppo.policyAggregation == .sampleLevel && ppo.effectiveSamplesPerPrompt == 1 && !ppo.valuePretraining && !ppo.positiveExampleLoss)
        let grouped = try TrainingConfiguration.preset(named: "vapo-no-group-sampling")
        #expect(grouped.effectivePromptsPerStep * grouped.effectiveSamplesPerPrompt == TrainingConfiguration().effectivePromptsPerStep * TrainingConfiguration().effectiveSamplesPerPrompt)
        #expect(grouped.effectiveSamplesPerPrompt == 1 && grouped.effectivePromptsPerStep == 64)
        let grpo = try TrainingConfiguration.preset(named: "grpo"), dapo = try TrainingConfiguration.preset(named: "dapo")
        #expect(grpo.algorithm == .grpo && grpo.policyAggregation == .sampleLevel && !grpo.clipHigher && grpo.grpoBeta == 0.04)
        #expect(dapo.algorithm == .dapo && dapo.policyAggregation == .tokenLevel && dapo.clipHigher && dapo.dynamicSampling)
        #expect(!grpo.dynamicSampling && !ppo.dynamicSampling)
        let paper = try TrainingConfiguration.preset(named: "vapo-paper")
        #expect(paper.algorithm == .vapo && paper.alpha == 0.05 && paper.mu == 0.1 && paper.actorLearningRate == 1e-6)
        #expect(paper.criticLearningRate == 2e-6 && paper.samplesPerPrompt == 16 && paper.valuePretrainingSteps == 50 && !paper.criticReadsSurprise)
        #expect(!paper.dynamicSampling && TrainingConfiguration().dynamicSampling, "dynamic sampling: on in vapo, off in vapo-paper")
        #expect([paper.valuePretraining, paper.decoupledGAE, paper.lengthAdaptiveGAE, paper.tokenLevelLoss, paper.clipHigher,
                 paper.positiveExampleLoss, paper.groupSampling].allSatisfy { $0 }, "all seven components on")
        for name in TrainingConfiguration.presetNames { _ = try TrainingConfiguration.preset(named: name).validated() }
    }

    @Test("bad input is one line naming the field, the value and what is allowed")
    func validationMessages() throws {
        func message(_ change: (inout TrainingConfiguration) -> Void) -> String {
            var c = TrainingConfiguration()
            change(&c)
            do { _ = try c.validated() } catch { return error.description }
            return "valid"
        }
        let cases: [(String, (inout TrainingConfiguration) -> Void)] = [
            ("lambdaPolicy is 1.5; allowed: [0, 1]", { $0.lambdaPolicy = 1.5 }),
            ("lambdaCritic is -0.1; allowed: [0, 1]", { $0.lambdaCritic = -0.1 }),
            ("epsilonLow is -0.2; allowed: [0, 1)", { $0.epsilonLow = -0.2 }),
            ("epsilonHigh is -1.0; allowed: 0 or more", { $0.epsilonHigh = -1 }),
            ("mu is -0.1; allowed: 0 or more", { $0.mu = -0.1 }),
            ("samplesPerPrompt is 0; allowed: 1...65536", { $0.samplesPerPrompt = 0 }),
            ("miniBatchSize is 65; allowed: 1...64 (the responses per step, promptsPerStep × samplesPerPrompt)", { $0.miniBatchSize = 65 }),
            ("microBatchSize is 17; allowed: 1...16 (miniBatchSize)", { $0.microBatchSize = 17 }),
            ("alpha is 0.0; allowed: a positive finite number", { $0.alpha = 0 }),
            ("lambdaMin is 1.0; allowed: [0, 1)", { $0.lambdaMin = 1 }),
            ("topP is 0.0; allowed: (0, 1]", { $0.topP = 0 }),
            ("temperature is nan; allowed: a positive finite number (rollouts are scored under softmax(logits / temperature))", { $0.temperature = .nan }),
            ("temperature is 0.0; allowed: a positive finite number (rollouts are scored under softmax(logits / temperature))", { $0.temperature = 0 }),
            ("overlongCacheLength is 97; allowed: 0...96 (overlongMaxLength)", { $0.overlongCacheLength = 97 }),
            ("rewardIncorrect is 1.0; allowed: a finite number below rewardCorrect 1.0", { $0.rewardIncorrect = 1 }),
            ("task is \"sorting\"; allowed: addition, multiplication, counting, countdown", { $0.task = "sorting" }),
            ("maxDifficulty is 9; allowed: 1...6 for task addition, or null", { $0.maxDifficulty = 9 }),
            ("maxDifficulty is 2; allowed: 3...6 (minDifficulty or more)", { $0.minDifficulty = 3; $0.maxDifficulty = 2 }),
            ("valuePretraining is true; allowed: false with advantageEstimator grpo (it has no critic)", { $0.advantageEstimator = .grpo }),
            ("samplesPerPrompt is 1; allowed: 2 or more with advantageEstimator grpo", { $0 = try! .preset(named: "dapo"); $0.samplesPerPrompt = 1; $0.miniBatchSize = 8; $0.microBatchSize = 8 }),
            ("dualClip is 1.0; allowed: a finite number above 1, or null", { $0.dualClip = 1 }),
        ]
        for (expected, change) in cases {
            let text = message(change)
            #expect(text == "training configuration: " + expected)
            #expect(!text.contains("\n"))
        }
        #expect(message { _ in } == "valid")
    }

    @Test("the responses per step (promptsPerStep × samplesPerPrompt) are at most 2^16 and their tokens (× maxNewTokens) at most 2^24: each bound is accepted, one above it names the field and its range")
    func productBounds() throws {
        var c = TrainingConfiguration()
        (c.promptsPerStep, c.samplesPerPrompt) = (256, 256)
        #expect(throws: Never.self) { try c.validated() }
        c.samplesPerPrompt = 257
        #expect(throws: TrainingConfigurationError.outOfRange(
            field: "samplesPerPrompt", value: "257",
            allowed: "1...256 (promptsPerStep × samplesPerPrompt, the responses per step, at most 65536)")) { try c.validated() }
        c = TrainingConfiguration()  // 16 × 4 = 64 responses
        c.valuePretrainingPrompts = 16  // its batch no larger than a step's, which it would otherwise bound first
        c.maxNewTokens = 262_144
        #expect(throws: Never.self) { try c.validated() }
        c.maxNewTokens = 262_145
        #expect(throws: TrainingConfigurationError.outOfRange(
            field: "maxNewTokens", value: "262145", allowed: "1...262144 (responses per step × maxNewTokens at most 16777216)")) { try c.validated() }
    }

    @Test("a value-pretraining batch (valuePretrainingPrompts × samples per prompt) has the bounds of a step: the most prompts that fit are accepted, one more names the field and its range")
    func valuePretrainingBound() throws {
        var c = TrainingConfiguration()  // 4 samples per prompt: 2^16 / 4 = 16384 prompts (and 16384 × 4 × 96 tokens < 2^24)
        c.valuePretrainingPrompts = 16384
        #expect(throws: Never.self) { try c.validated() }
        c.valuePretrainingPrompts = 16385
        #expect(throws: TrainingConfigurationError.outOfRange(
            field: "valuePretrainingPrompts", value: "16385",
            allowed: "1...16384 (valuePretrainingPrompts × 4 samples per prompt, a value-pretraining batch, at most 65536 responses and 16777216 response tokens)")) { try c.validated() }
        c.maxNewTokens = 1024  // now the tokens bind: 2^24 / (4 × 1024) = 4096 prompts
        c.valuePretrainingPrompts = 4096
        #expect(throws: Never.self) { try c.validated() }
        c.valuePretrainingPrompts = 4097
        #expect(throws: TrainingConfigurationError.outOfRange(
            field: "valuePretrainingPrompts", value: "4097",
            allowed: "1...4096 (valuePretrainingPrompts × 4 samples per prompt, a value-pretraining batch, at most 65536 responses and 16777216 response tokens)")) { try c.validated() }
    }

    @Test("the evaluation's sampled responses (evalProblems × evalSamples) are at most 2^20: the bound is accepted, one problem more names evalSamples and its range")
    func evaluationBound() throws {
        var c = TrainingConfiguration()
        (c.evalProblems, c.evalSamples) = (1024, 1024)
        #expect(throws: Never.self) { try c.validated() }
        c.evalProblems = 1025
        #expect(throws: TrainingConfigurationError.outOfRange(
            field: "evalSamples", value: "1024",
            allowed: "1...1023 (evalProblems × evalSamples, the evaluation's sampled responses, at most 1048576)")) { try c.validated() }
    }

    @Test("an unknown field, a value of the wrong type, an unknown preset, algorithm or value initialisation, and bad JSON are errors naming them")
    func decodingErrors() {
        func message(_ json: String) -> String {
            do { _ = try Self.decode(json) } catch { return error.description }
            return "decoded"
        }
        #expect(message(#"{"lamdaPolicy": 0.9}"#) == #"training configuration: unknown field "lamdaPolicy"; did you mean "lambdaPolicy"?"#)
        #expect(message(#"{"seed": "x"}"#) == #"training configuration: seed must be an integer in 0...18446744073709551615; found "x""#)
        #expect(message(#"{"clipHigher": 1}"#) == "training configuration: clipHigher must be true or false; found 1")
        #expect(message(#"{"preset": "vapo-no-vapo"}"#).hasPrefix(#"training configuration: preset is "vapo-no-vapo"; allowed: vapo, vapo-paper, ppo, grpo, dapo, vapo-no-value-pretrain"#))
        #expect(message(#"{"algorithm": "reinforce"}"#) == #"training configuration: algorithm is "reinforce"; allowed: vapo, ppo, grpo, dapo"#)
        #expect(message(#"{"valueInitialization": "random"}"#) == #"training configuration: valueInitialization is "random"; allowed: fromRewardModel, fromPolicyTrunk"#)
        #expect(message("{") == "training configuration: not valid JSON at line 1, column 2: expected a string key")
    }
}
