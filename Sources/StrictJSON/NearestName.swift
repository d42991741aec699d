// Specs/reliability.md, "Configuration validation": the nearest known name of an unknown field.

/// The known name a mistyped one most likely meant, for "unknown field" messages.
///
/// Both names are first normalised: lowercased, with `_`, `-`, `.` and spaces removed, so `actor_lr`,
/// `actor-lr` and `actorLr` are the same word. The cost of a candidate is then
/// - 0 when the normalised names are equal;
/// - 1 when the typed name (3 or more characters) is an abbreviation of the candidate — a subsequence that
///   starts with the candidate's first character (`actorlr` in `actorlearningrate`) — or a part of it (a
///   substring: `batchsize` in `minibatchsize`);
/// - otherwise the Levenshtein distance (insertions, deletions and substitutions of one character each).
///
/// The suggestion is the candidate of lowest cost, ties broken by the lower Levenshtein distance and then
/// by the candidates' order, provided that cost is at most max(1, n / 3) for a typed name of n normalised
/// characters (so a short name gets no far-fetched suggestion); otherwise there is none.
public enum NearestName {
    /// The suggestion for `typed` among `candidates` (see the type's rule), or nil.
    public static func suggestion(for typed: String, among candidates: [String]) -> String? {
        let word = normalised(typed)
        var best: (cost: Int, distance: Int, name: String)?
        for candidate in candidates {
            let other = normalised(candidate)
            let distance = levenshtein(word, other)
            let cost = word == other ? 0 : isAbbreviation(word, of: other) ? 1 : distance
            if best == nil || (cost, distance) < (best!.cost, best!.distance) { best = (cost, distance, candidate) }
        }
        guard let best, best.cost <= max(1, word.count / 3) else { return nil }
        return best.name
    }

    static func normalised(_ name: String) -> [Character] {
        Array(name.lowercased().filter { !"_-. ".contains($0) })
    }

    static func isAbbreviation(_ word: [Character], of name: [Character]) -> Bool {
        guard word.count >= 3, word.count < name.count else { return false }
        if String(name).contains(String(word)) { return true }
        guard word.first == name.first else { return false }
        var rest = word[...]
        for character in name where character == rest.first {
            rest = rest.dropFirst()
            if rest.isEmpty { return true }
        }
        return false
    }

    /// The Levenshtein distance, by the two-row dynamic programme.
    static func levenshtein(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
