// Specs/reliability.md, "Fuzzing": the `configuration` target.
import Foundation
import TestSupport
import VAPO

extension FuzzTarget {
    /// The training-configuration parser (`TrainingConfiguration.decode(json:)`, then `validated()`) on
    /// presets' JSON with fields replaced by random values, byte-level mutations of it, random objects of
    /// known, misspelt and unknown keys, and random JSON. Property: each step returns or throws a
    /// `TrainingConfigurationError` whose message is one line starting "training configuration: ", and a
    /// configuration that decodes encodes back to JSON that decodes to it.
    public static let configuration = FuzzTarget("configuration") { random in
        let text: [UInt8]
        let keys = TrainingConfiguration.jsonKeys
        switch random.integer(0...3) {
        case 0, 1:
            let preset = random.pick(TrainingConfiguration.presetNames)
            guard var object = try? JSONSerialization.jsonObject(with: TrainingConfiguration.preset(named: preset).jsonData()) as? [String: Any] else {
                return "preset \(preset) does not encode to a JSON object"
            }
            var members = object.keys.sorted().map { key in (key, literal(object.removeValue(forKey: key)!)) }
            for _ in 0..<random.integer(1...3) { members[random.index(members.count)].1 = randomValue(&random, depth: 0) }
            let valid = Array(("{" + members.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}").utf8)
            text = random.coin() ? valid : Mutation.mutate(valid, &random)
        case 2:
            let members = (0..<random.integer(0...6)).map { _ -> String in
                let key = random.integer(0...3) == 0 ? misspelt(random.pick(keys), &random) : random.pick(keys)
                return "\(quoted(key)): \(randomValue(&random, depth: 0))"
            }
            text = Array(("{" + members.joined(separator: ",") + "}").utf8)
        default:
            text = Array(randomValue(&random, depth: 0).utf8)
        }
        func checkMessage(_ error: any Error) -> String? {
            guard let error = error as? TrainingConfigurationError else { return "threw \(type(of: error)): \(error)" }
            let message = error.description
            return message.hasPrefix("training configuration: ") && !message.contains("\n") ? nil : "bad message \(message.debugDescription)"
        }
        let decoded: TrainingConfiguration
        do { decoded = try TrainingConfiguration.decode(json: Data(text)) } catch { return checkMessage(error) }
        guard (try? TrainingConfiguration.decode(json: decoded.jsonData())) == decoded else {
            return "\(String(decoding: text, as: UTF8.self)) does not round-trip"
        }
        do { _ = try decoded.validated() } catch { return checkMessage(error) }
        return nil
    }

    /// A random JSON value as text: numbers at and beyond the edges of Int, UInt64 and Double, strings
    /// (names of presets, tasks and algorithms among them), booleans, null, and nested arrays and objects.
    static func randomValue(_ random: inout SplitMix64, depth: Int) -> String {
        switch random.integer(depth > 3 ? 0...3 : 0...5) {
        case 0:
            return random.pick([
                "0", "-0", "1", "-1", "2", "0.5", "1.5", "1e-300", "1e400", "-1e400", "9223372036854775807", "9223372036854775808",
                "18446744073709551615", "18446744073709551616", "-9223372036854775809", "65536", "65537", "1e30", "0.0", "3",
                "\(random.integer(-100...100))", "\(random.uniform(-2...2))",
            ])
        case 1:
            let names = TrainingConfiguration.presetNames + ["addition", "counting", "countdown", "multiplication", "fromRewardModel", "fromPolicyTrunk"]
            return quoted(random.coin() ? random.pick(names) : random.pick(["", "x", "é", "\u{1}", "\\", "1"]))
        case 2: return random.pick(["true", "false"])
        case 3: return "null"
        case 4: return "[" + (0..<random.integer(0...3)).map { _ in randomValue(&random, depth: depth + 1) }.joined(separator: ",") + "]"
        default:
            return "{" + (0..<random.integer(0...3)).map { _ in
                "\(quoted(random.pick(TrainingConfiguration.jsonKeys))):\(randomValue(&random, depth: depth + 1))"
            }.joined(separator: ",") + "}"
        }
    }

    /// `name` with one character dropped, doubled, swapped case or replaced by `_`.
    static func misspelt(_ name: String, _ random: inout SplitMix64) -> String {
        var characters = Array(name)
        let i = random.index(characters.count)
        switch random.integer(0...3) {
        case 0: characters.remove(at: i)
        case 1: characters.insert(characters[i], at: i)
        case 2: characters[i] = Character(characters[i].isUppercase ? characters[i].lowercased() : characters[i].uppercased())
        default: characters.insert("_", at: i)
        }
        return String(characters)
    }

    /// A JSON string literal (Foundation's escaping).
    static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    /// A value of a decoded JSON object written back as JSON text.
    static func literal(_ value: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: value, options: .fragmentsAllowed)) ?? Data("null".utf8), as: UTF8.self)
    }
}
