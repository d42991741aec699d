import Foundation
import Testing
import VAPO

@testable import VapoCLI

/// `vapo export --format verl` and `--format nemo-rl`: every preset's configuration in each engine's keys
/// (Specs/scaling-out.md, "The exported configuration").
@Suite("Engine configurations")
struct EngineConfigurationTests {
    static func presets() throws -> [(name: String, configuration: TrainingConfiguration)] {
        try TrainingConfiguration.presetNames.map { ($0, try TrainingConfiguration.preset(named: $0)) }
    }

    /// The dotted keys and value texts of the YAML, read back by indentation; nil when a line has no comment.
    static func readBack(_ yaml: String) -> [String: String]? {
        var values: [String: String] = [:]
        var sections: [String] = []
        for line in yaml.split(separator: "\n").map(String.init) where !line.hasPrefix("#") {
            guard let hash = line.range(of: "  # "), !line[hash.upperBound...].trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            let body = line[..<hash.lowerBound]
            let depth = body.prefix { $0 == " " }.count / 2
            let parts = body.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            sections = Array(sections.prefix(depth))
            if parts.count == 1 || parts[1].isEmpty { sections.append(parts[0]) } else { values[(sections + [parts[0]]).joined(separator: ".")] = parts[1] }
        }
        return values
    }

    @Test("every preset's verl configuration: clip ratios, loss_agg_mode (token-mean exactly with the token-level loss), rollout.n and the batch as the preset's Group-Sampling makes them, γ and λ, vapo_gae exactly with Decoupled- or Length-Adaptive GAE, the critic and its warm-up, KL and dynamic sampling; what verl lacks is listed")
    func verlForEveryPreset() throws {
        for (name, c) in try Self.presets() {
            let verl = EngineConfiguration(verl: c)
            #expect(verl[.clipLow] == .number(c.epsilonLow), "\(name)")
            #expect(verl[.clipHigh] == .number(c.clipHigher ? c.epsilonHigh : c.epsilonLow), "\(name)")
            #expect(verl[.lossAggMode] == .text(c.tokenLevelLoss ? "token-mean" : "seq-mean-token-mean"), "\(name)")
            #expect(verl[.rolloutN] == .integer(c.groupSampling ? c.samplesPerPrompt : 1), "\(name)")
            #expect(verl[.trainBatchSize] == .integer(c.groupSampling ? c.promptsPerStep : c.promptsPerStep * c.samplesPerPrompt), "\(name)")
            #expect(verl[.miniBatch] == .integer(c.miniBatchSize / c.effectiveSamplesPerPrompt), "\(name)")
            #expect(verl[.gamma] == .number(c.gamma), "\(name)")
            let estimator: EngineValue? = switch c.advantageEstimator {
            case .gae: .text(c.decoupledGAE || c.lengthAdaptiveGAE ? "vapo_gae" : "gae")
            case .grpo: .text("grpo")
            case .vineppo: nil
            }
            #expect(verl[.advEstimator] == estimator, "\(name)")
            #expect(verl[.lam] == (c.usesCritic ? .number(c.lambdaPolicy) : nil), "\(name)")
            if verl[.advEstimator] == .text("vapo_gae") {
                #expect(verl[.lambdaCritic] == (c.decoupledGAE ? .number(c.lambdaCritic) : EngineValue.none), "\(name)")
                #expect(verl[.lengthAdaptive] == .flag(c.lengthAdaptiveGAE), "\(name)")
                #expect(verl[.alpha] == .number(c.alpha) && verl[.lambdaMin] == .number(c.lambdaMin), "\(name)")
            } else {
                #expect(verl[.lambdaCritic] == nil && verl[.lengthAdaptive] == nil, "\(name)")
            }
            #expect(verl[.criticEnable] == .flag(c.usesCritic), "\(name)")
            #expect(verl[.criticWarmup] == (c.usesCritic ? .integer(c.valuePretraining ? c.valuePretrainingSteps + 1 : 0) : nil), "\(name)")
            #expect(verl[.useKLLoss] == .flag(c.referenceKL), "\(name)")
            #expect(verl[.filterGroups] == (c.filtersEqualGroups ? .flag(true) : nil), "\(name)")
            #expect(verl.inexpressible.contains { $0.hasPrefix("VAPO 6") } == c.positiveExampleLoss, "\(name)")
            #expect(verl.inexpressible.contains { $0.hasPrefix("VinePPO") } == (c.advantageEstimator == .vineppo), "\(name)")
        }
    }

    @Test("every preset's NeMo RL configuration: PPO's keys with a critic and GRPO's without; ratio clips, token_level_loss, the batch, gae_lambda_value exactly with Decoupled-GAE, length_adaptive_alpha exactly with Length-Adaptive GAE (and λ_min listed as inexpressible), positive_example_nll_weight μ exactly with VAPO 6, critic-only steps with Value-Pretraining")
    func nemoRLForEveryPreset() throws {
        for (name, c) in try Self.presets() {
            let nemo = EngineConfiguration(nemoRL: c)
            #expect(nemo[.clipMin] == .number(c.epsilonLow), "\(name)")
            #expect(nemo[.clipMax] == .number(c.clipHigher ? c.epsilonHigh : c.epsilonLow), "\(name)")
            #expect(nemo[.tokenLevel] == .flag(c.tokenLevelLoss), "\(name)")
            #expect(nemo[.positiveNLL] == .number(c.positiveExampleLoss ? c.mu : 0), "\(name)")
            #expect(nemo[.globalBatch] == .integer(c.miniBatchSize), "\(name)")
            let samples = EngineValue.integer(c.groupSampling ? c.samplesPerPrompt : 1)
            #expect((c.usesCritic ? nemo[.samples] : nemo[.grpoSamples]) == samples, "\(name)")
            #expect((c.usesCritic ? nemo[.grpoSamples] : nemo[.samples]) == nil, "\(name)")
            if c.usesCritic {
                #expect(nemo[.estimator] == .text("gae") && nemo[.gaeGamma] == .number(c.gamma), "\(name)")
                #expect(nemo[.lambdaValue] == (c.decoupledGAE ? .number(c.lambdaCritic) : EngineValue.none), "\(name)")
                #expect(nemo[.alpha] == .number(c.lengthAdaptiveGAE ? c.alpha : 0), "\(name)")
                #expect(nemo[.gaeLambda] == .number(c.lambdaPolicy), "\(name)")
                #expect(nemo[.policyStart] == .integer(c.valuePretraining ? c.valuePretrainingSteps : 0), "\(name)")
            } else if c.advantageEstimator == .grpo {
                #expect(nemo[.grpoNormalize] == .flag(c.normalizeByGroupStd) && nemo[.grpoLeaveOneOut] == .flag(false), "\(name)")
            }
            #expect(nemo.inexpressible.contains { $0.hasPrefix("the floor λ_min") } == (c.usesCritic && c.lengthAdaptiveGAE), "\(name)")
        }
    }

    @Test("the vapo preset in verl: vapo_gae with λ_critic 1, α 1, λ_min 0.5, clip ratios 0.2 and 0.28, token-mean, 4 samples of 16 prompts, mini-batches of 4 prompts, 21 as critic_warmup; the positive-example loss listed")
    func vapoInVerl() throws {
        let verl = EngineConfiguration(verl: TrainingConfiguration())
        #expect(verl[.advEstimator] == .text("vapo_gae") && verl[.lambdaCritic] == .number(1) && verl[.alpha] == .number(1) && verl[.lambdaMin] == .number(0.5))
        #expect(verl[.clipLow] == .number(0.2) && verl[.clipHigh] == .number(0.28) && verl[.lossAggMode] == .text("token-mean"))
        #expect(verl[.rolloutN] == .integer(4) && verl[.trainBatchSize] == .integer(16) && verl[.miniBatch] == .integer(4))
        #expect(verl[.criticEnable] == .flag(true) && verl[.criticWarmup] == .integer(21))
        #expect(verl.inexpressible.contains { $0.hasPrefix("VAPO 6, the positive-example LM loss (μ 2.0") })
    }

    @Test("the YAML of every preset, both engines: a comment on every line, the inexpressible list at the top, and, read back by indentation, exactly the settings' keys and values")
    func yamlReadsBack() throws {
        for (name, c) in try Self.presets() {
            let verl = EngineConfiguration(verl: c), nemo = EngineConfiguration(nemoRL: c)
            for (yaml, settings, inexpressible) in [
                (verl.yaml(header: ["h"]), verl.settings.map { ($0.key.rawValue, $0.value.yaml) }, verl.inexpressible),
                (nemo.yaml(header: ["h"]), nemo.settings.map { ($0.key.rawValue, $0.value.yaml) }, nemo.inexpressible),
            ] {
                let values = try #require(Self.readBack(yaml), "\(name): a line without a comment")
                #expect(values == Dictionary(uniqueKeysWithValues: settings), "\(name)")
                let comments = yaml.split(separator: "\n").prefix { $0.hasPrefix("#") }.joined(separator: "\n")
                for line in inexpressible { #expect(comments.contains("#   - " + line), "\(name)") }
            }
        }
    }

    @Test("YAML numbers are floats PyYAML reads as floats (a dot before any exponent, a signed exponent), infinity is .inf, strings are quoted")
    func yamlScalars() {
        #expect(EngineValue.number(2e-05).yaml == "2.0e-05")
        #expect(EngineValue.number(1e20).yaml == "1.0e+20")
        #expect(EngineValue.number(0.28).yaml == "0.28")
        #expect(EngineValue.number(1).yaml == "1.0")
        #expect(EngineValue.number(.infinity).yaml == ".inf")
        #expect(EngineValue.text("token-mean").yaml == "\"token-mean\"")
        #expect(EngineValue.list(["a", "b\""]).yaml == "[\"a\", \"b\\\"\"]")
        #expect(EngineValue.none.yaml == "null")
    }
}
