/// The golden files of the baselines' exact pieces: DAPO's R_len and Dr.GRPO advantages.
enum GoldenBaselines {
    static func overlongPenalty() -> JSONValue {
        let settings = [(maxLength: 20, cacheLength: 4), (maxLength: 20480, cacheLength: 4096), (maxLength: 8, cacheLength: 8)]
        let cases = settings.flatMap { maxLength, cacheLength in
            let threshold = maxLength - cacheLength
            let lengths = Set([0, 1, threshold - 1, threshold, threshold + 1, (threshold + maxLength) / 2, maxLength - 1, maxLength, maxLength + 1, 2 * maxLength])
            return lengths.filter { $0 >= 0 }.sorted().map { length in
                JSONValue.object([
                    ("length", .int(length)), ("max_length", .int(maxLength)), ("cache_length", .int(cacheLength)),
                    ("penalty", .rational(BaselineReferences.overlongPenalty(length: length, maxLength: maxLength, cacheLength: cacheLength))),
                ])
            }
        }
        return .object([("description", .string("DAPO soft overlong punishment R_len, rl-math convention §10")), ("cases", .array(cases))])
    }

    static func groupAdvantagesWithoutStd() -> JSONValue {
        var rng = GoldenRandom(seed: 9)
        let groups: [(String, [Rational])] = [
            ("group of one", [rng.dyadic()]), ("all equal", [Rational](repeating: 1, count: 4)),
            ("binary rewards", [1, 0, 0, 1, 1, 0, 1, 1].map { Rational($0) }), ("random", rng.dyadics(6)),
        ]
        let cases = groups.map { name, rewards in
            JSONValue.object([("name", .string(name)), ("rewards", .rationals(rewards)),
                              ("advantages", .rationals(BaselineReferences.groupAdvantagesWithoutStd(rewards: rewards)))])
        }
        return .object([("description", .string("GRPO without std (Dr.GRPO), rl-math convention §5: A_i = r_i − mean; a group of one keeps r")), ("cases", .array(cases))])
    }
}
