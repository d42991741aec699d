import Testing
import VAPO

@Suite("DAPO dynamic sampling")
struct DynamicSamplingTests {
    /// A group of responses with these scores.
    static func group(_ scores: [Double], _ id: Int) -> [SampledResponse] {
        scores.map { Fixtures.response([2], group: id, score: $0) }
    }

    @Test("groups whose scores are all equal are dropped and rounds are sampled until the batch is full; the first groups kept are used")
    func refills() {
        let rounds: [[[SampledResponse]]] = [
            [Self.group([1, 1], 0), Self.group([1, -1], 1)],
            [Self.group([-1, -1], 2), Self.group([-1, -1], 3)],
            [Self.group([-1, 1], 4), Self.group([1, -0.5], 5)],
            [Self.group([-1, 1], 6), Self.group([1, -1], 7)],
        ]
        var asked: [Int] = []
        let collected = DynamicSampler(groupsWanted: 2, filtersEqualGroups: true, maxRetries: 5).collect { round in
            asked.append(round)
            return rounds[round]
        }
        #expect(asked == [0, 1, 2], "no round beyond need")
        #expect(collected.groups.map { $0[0].group } == [1, 4])
        #expect(collected.rounds == 3 && collected.sampledGroups == 6 && collected.equalScoreGroups == 3)
    }

    @Test("at the retry cap the step keeps what it has, possibly nothing; without filtering one round is kept whole")
    func cap() {
        let equal = [Self.group([1, 1], 0), Self.group([-1, -1], 1)]
        var calls = 0
        let capped = DynamicSampler(groupsWanted: 2, filtersEqualGroups: true, maxRetries: 2).collect { _ in
            calls += 1
            return equal
        }
        #expect(calls == 3 && capped.rounds == 3 && capped.groups.isEmpty && capped.equalScoreGroups == 6)
        let plain = DynamicSampler(groupsWanted: 2, filtersEqualGroups: false, maxRetries: 2).collect { _ in equal }
        #expect(plain.rounds == 1 && plain.groups.count == 2 && plain.equalScoreGroups == 2)
        let single = DynamicSampler(groupsWanted: 1, filtersEqualGroups: true, maxRetries: 0).collect { _ in [Self.group([1], 0)] }
        #expect(single.groups.isEmpty, "a group of one is dropped")
    }
}
