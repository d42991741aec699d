// Specs/vapo.md, "Metrics": the wall-clock phases of an RL step.
import Testing
import VAPO

@Suite("Trainer phase timings")
struct TrainerPhaseTimingTests {
    @Test("a step's phase timings split its generation, update and step times", arguments: ["vapo", "grpo"])
    func phasesSplitTheStep(preset: String) throws {
        // Two steps with an evaluation every 2 (the fixture's), so the second step's eval phase is not empty.
        let (metrics, _) = try TrainerTests.run(Fixtures.configuration(preset))
        for (index, step) in metrics.enumerated() {
            func value(_ key: String) throws -> Double { try #require(step[key], "\(preset) step \(index + 1) reports \(key)") }
            let (sample, score, gen) = (try value("timing_s/sample"), try value("timing_s/score"), try value("timing_s/gen"))
            let advantages = try value("timing_s/advantages"), critic = try value("timing_s/critic_update")
            let actor = try value("timing_s/actor_update"), eval = try value("timing_s/eval")
            let (update, total) = (try value("timing_s/update"), try value("timing_s/step"))
            for phase in [sample, score, advantages, critic, actor, eval] { #expect(phase >= 0) }
            #expect(abs(sample + score - gen) <= 1e-6, "gen = sample + score")
            #expect(advantages + critic + actor <= update + 1e-6, "the update's phases lie within it")
            #expect(abs(gen + update + eval - total) <= 1e-6, "step = gen + update + eval")
            if preset == "grpo" { #expect(critic == 0, "GRPO has no critic") }
        }
        #expect(metrics.contains { ($0["timing_s/actor_update"] ?? 0) > 0 }, "a step updated the actor")
        if preset == "vapo" { #expect(metrics.contains { ($0["timing_s/critic_update"] ?? 0) > 0 }, "a step updated the critic") }
        #expect(try #require(metrics[1]["timing_s/eval"]) > 0, "the second step evaluated")
    }
}
