import Foundation
import Testing
import VAPO

/// What a user who writes a configuration file by hand is told when it is wrong: each kind of error, with
/// its exact message.
@Suite("Training configuration files: error messages")
struct ConfigurationFileTests {
    static func message(_ json: String) -> String {
        do { _ = try TrainingConfiguration.decode(json: Data(json.utf8)).validated() } catch { return error.description }
        return "valid"
    }

    @Test("an unknown field is refused with the nearest known name: typos, snake_case, abbreviations, or none when nothing is near")
    func unknownFields() {
        let cases = [
            (#"{"actor_lr": 1e-4}"#, #"unknown field "actor_lr"; did you mean "actorLearningRate"?"#),
            (#"{"critic-lr": 1e-4}"#, #"unknown field "critic-lr"; did you mean "criticLearningRate"?"#),
            (#"{"ppo_epochs": 2}"#, #"unknown field "ppo_epochs"; did you mean "ppoEpochs"?"#),
            (#"{"lamdaPolicy": 0.9}"#, #"unknown field "lamdaPolicy"; did you mean "lambdaPolicy"?"#),
            (#"{"Seed": 1}"#, #"unknown field "Seed"; did you mean "seed"?"#),
            (#"{"batch_size": 8}"#, #"unknown field "batch_size"; did you mean "miniBatchSize"?"#),
            (#"{"epsilon_hi": 0.3}"#, #"unknown field "epsilon_hi"; did you mean "epsilonHigh"?"#),
            (#"{"seed": 1, "temprature": 0.5, "zzz": 1}"#, #"unknown field "temprature"; did you mean "temperature"?"#),
        ]
        for (json, expected) in cases { #expect(Self.message(json) == "training configuration: " + expected) }
        let none = Self.message(#"{"xyzzy": 1}"#)
        #expect(none.hasPrefix(#"training configuration: unknown field "xyzzy"; allowed: preset, algorithm, valuePretraining, "#))
        #expect(none.hasSuffix("evalTopP, evalSeed"))
    }

    @Test("malformed JSON reports the line and column (in characters) of the first byte that cannot be read")
    func malformed() {
        let cases = [
            ("", "line 1, column 1: unexpected end of the text"),
            ("{\n  \"seed\": 1,\n  \"mu\" 0.1\n}", "line 3, column 8: expected ':'"),
            ("{\n  \"seed\": 1,\n}", "line 3, column 1: expected a string key"),
            ("{\"task\": \"é\", \"seed\": 01}", "line 1, column 23: number with a leading zero"),
            ("{\"seed\": 1} {}", "line 1, column 13: unexpected text after the JSON value"),
            ("{\"seed\": 1, \"seed\": 2}", "line 1, column 13: duplicate key \"seed\""),
            ("{\"task\": \"add\u{1}\"}", "line 1, column 14: control character in a string"),
            ("\r\n\n\t{'seed': 1}", "line 3, column 3: expected a string key"),
            (String(repeating: "[", count: 100), "line 1, column 65: nesting deeper than 64 levels"),
        ]
        for (json, expected) in cases { #expect(Self.message(json) == "training configuration: not valid JSON at " + expected, "\(json.debugDescription)") }
        let invalidUTF8 = Data([0x7B, 0x0A, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
        do {
            _ = try TrainingConfiguration.decode(json: invalidUTF8)
            Issue.record("accepted a configuration with invalid UTF-8")
        } catch {
            #expect(error.description == "training configuration: not valid JSON at line 2, column 2: not valid UTF-8")
        }
        #expect(Self.message("[1, 2]") == "training configuration: expected a JSON object of fields; found an array")
        #expect(Self.message("7") == "training configuration: expected a JSON object of fields; found a number")
    }

    @Test("a value of the wrong type names the field, the type it must have and the value found")
    func wrongTypes() {
        let cases = [
            (#"{"promptsPerStep": "8"}"#, #"promptsPerStep must be an integer; found "8""#),
            (#"{"promptsPerStep": 1.5}"#, "promptsPerStep must be an integer; found 1.5"),
            (#"{"promptsPerStep": 1e30}"#, "promptsPerStep must be an integer; found 1e30"),
            (#"{"seed": -1}"#, "seed must be an integer in 0...18446744073709551615; found -1"),
            (#"{"mu": true}"#, "mu must be a number; found true"),
            (#"{"mu": null}"#, "mu must be a number; found null"),
            (#"{"clipHigher": "yes"}"#, #"clipHigher must be true or false; found "yes""#),
            (#"{"task": ["addition"]}"#, "task must be a string; found an array"),
            (#"{"dualClip": {}}"#, "dualClip must be a number; found an object"),
            (#"{"algorithm": 3}"#, "algorithm must be a string; found 3"),
        ]
        for (json, expected) in cases { #expect(Self.message(json) == "training configuration: " + expected, "\(json)") }
    }

    @Test("every count that sizes memory or multiplies another is bounded above, so no value overflows before its message")
    func upperBounds() {
        let cases = [
            (#"{"promptsPerStep": 4611686018427387904}"#, "promptsPerStep is 4611686018427387904; allowed: 1...65536"),
            (#"{"samplesPerPrompt": 100000}"#, "samplesPerPrompt is 100000; allowed: 1...65536"),
            (#"{"ppoEpochs": 1001}"#, "ppoEpochs is 1001; allowed: 1...1000"),
            (#"{"maxNewTokens": 0}"#, "maxNewTokens is 0; allowed: 1...1000000"),
            (#"{"evalProblems": -1}"#, "evalProblems is -1; allowed: 0...1000000"),
            (#"{"evalSamples": 2000}"#, "evalSamples is 2000; allowed: 1...1024"),
            (#"{"dynamicSamplingMaxRetries": -1}"#, "dynamicSamplingMaxRetries is -1; allowed: 0...1000"),
            (#"{"valuePretrainingExplainedVariance": -1e999}"#, "valuePretrainingExplainedVariance must be a number; found -1e999"),
            (#"{"warmupSteps": -1}"#, "warmupSteps is -1; allowed: 0 or more"),
            (#"{"gamma": 1.01}"#, "gamma is 1.01; allowed: [0, 1]"),
            (#"{"gradientClip": 0}"#, "gradientClip is 0.0; allowed: a positive finite number"),
            (#"{"evalTopP": 1.5}"#, "evalTopP is 1.5; allowed: (0, 1]"),
            (#"{"valueClipRange": -1}"#, "valueClipRange is -1.0; allowed: 0 or more, or null"),
            (#"{"minDifficulty": 0}"#, "minDifficulty is 0; allowed: 1...6 for task addition, or null"),
        ]
        for (json, expected) in cases { #expect(Self.message(json) == "training configuration: " + expected, "\(json)") }
    }
}
