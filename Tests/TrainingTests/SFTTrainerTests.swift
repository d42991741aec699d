import Foundation
import Kernels
import Tasks
import Testing
import Training
import Transformer

@Suite("Supervised fine-tuning")
struct SFTTrainerTests {
    @Test("short SFT of a tiny model learns: the loss of the last ten steps is under half the first step's")
    func lossFalls() throws {
        var configuration = Fixtures.tinyConfiguration(steps: 80)
        configuration.batchSize = 16
        let trainer = try SFTTrainer(configuration)
        let losses = (0..<80).map { _ in trainer.trainStep().loss }
        let late = losses.suffix(10).reduce(0, +) / 10
        #expect(losses.allSatisfy { $0.isFinite })
        #expect(late < losses[0] / 2, "first \(losses[0]), last ten \(late)")
        #expect(trainer.step == 80)
    }

    @Test("same seed, same bits: two runs, on 1 and on 2 threads (a pool worker running chunks of the 2-thread run), end with identical parameters; another seed does not")
    func deterministic() throws {
        func train(seed: UInt64, threads: Int) throws -> [[UInt32]] {
            let (bits, chunksOffCaller) = try Parallel.observingWorkers(threadCount: threads) {
                let trainer = try SFTTrainer(Fixtures.tinyConfiguration(steps: 6, seed: seed))
                for _ in 0..<6 { trainer.trainStep() }
                return Fixtures.bits(trainer.model.parameters)
            }
            #expect((chunksOffCaller > 0) == (threads == 2), "\(chunksOffCaller) chunks off the caller with \(threads) thread(s)")
            return bits
        }
        let one = try train(seed: 7, threads: 1)
        #expect(try train(seed: 7, threads: 2) == one)
        #expect(try train(seed: 7, threads: 1) == one)
        #expect(try train(seed: 8, threads: 2) != one)
    }

    @Test("the batch of step s depends only on (seed, s): training-split problems of the configured difficulties, each one new")
    func dataOrder() throws {
        let configuration = Fixtures.tinyConfiguration(steps: 50)
        let (a, b) = (try SFTTrainer(configuration), try SFTTrainer(configuration))
        b.trainStep()
        let addition = ColumnAddition()
        var seen = Set<Int>()
        for step in [0, 1, 17] {
            let problems = a.problems(forStep: step)
            #expect(problems == b.problems(forStep: step))
            #expect(problems.count == configuration.batchSize)
            for (j, problem) in problems.enumerated() {
                #expect(addition.split(of: problem) == .training)
                #expect((1...2).contains(problem.difficulty))
                #expect(problem == (try addition.problem(.training, index: step * 8 + j, difficulty: problem.difficulty, seed: 1)))
                seen.insert(problem.difficulty)
            }
        }
        #expect(seen == [1, 2])
        var other = configuration
        other.seed = 2
        #expect(try SFTTrainer(other).problems(forStep: 0) != a.problems(forStep: 0))
    }

    @Test("invalid configurations are errors naming the field and the allowed range")
    func invalidConfigurations() throws {
        func error(_ change: (inout SFTConfiguration) -> Void) -> SFTConfigurationError? {
            var c = Fixtures.tinyConfiguration()
            change(&c)
            do { _ = try c.validated() } catch { return error }
            return nil
        }
        #expect(error { _ in } == nil)
        #expect(error { $0.task = "sorting" }?.field == "task")
        #expect(error { $0.task = "sorting" }?.allowed == "addition, multiplication, counting, countdown")
        #expect(error { $0.maxDifficulty = 7 } == SFTConfigurationError(field: "maxDifficulty", value: "7", allowed: "1...6 for addition"))
        #expect(error { $0.minDifficulty = 0 }?.field == "minDifficulty")
        #expect(error { $0.minDifficulty = 2; $0.maxDifficulty = 1 }?.field == "maxDifficulty")
        #expect(error { $0.model.heads = 3 } == SFTConfigurationError(field: "model.heads", value: "3", allowed: "a divisor of width 32"))
        #expect(error { $0.model.vocabulary = 20 }?.field == "model.vocabulary")
        #expect(error { $0.maxDifficulty = 3 }?.field == "model.context")  // 65 tokens do not fit a context of 48
        #expect(error { $0.sequenceLength = 44 } == SFTConfigurationError(
            field: "sequenceLength", value: "44", allowed: "45...48 (the longest addition sequence at difficulty 2 to the context)"))
        #expect(error { $0.steps = 0 }?.field == "steps")
        #expect(error { $0.batchSize = 0 }?.field == "batchSize")
        #expect(error { $0.learningRate = 0 }?.field == "learningRate")
        #expect(error { $0.learningRate = .nan }?.field == "learningRate")
        #expect(error { $0.warmupSteps = -1 }?.field == "warmupSteps")
        #expect(error { $0.finalLearningRateFraction = 2 }?.field == "finalLearningRateFraction")
        #expect(error { $0.weightDecay = -0.1 }?.field == "weightDecay")
        #expect(error { $0.gradientClip = 0 }?.field == "gradientClip")
        #expect(error { $0.evalProblems = 0 }?.field == "evalProblems")
        #expect(error { $0.evalEvery = 0 }?.field == "evalEvery")
        #expect(error { $0.evalSamples = 0 }?.field == "evalSamples")
        #expect(error { $0.evalTemperature = 0 }?.field == "evalTemperature")
        #expect(error { $0.targetAccuracy = 1.5 }?.field == "targetAccuracy")
        #expect(error { $0.timeLimit = -1 }?.field == "timeLimit")
        #expect(error { $0.steps = 0 }?.description == "steps is 0; allowed: 1...10000000")
    }

    @Test("a JSON configuration may omit any field: missing fields take the defaults, given ones override them")
    func jsonDefaults() throws {
        let empty = try JSONDecoder().decode(SFTConfiguration.self, from: Data("{}".utf8))
        #expect(empty == SFTConfiguration())
        let some = try JSONDecoder().decode(SFTConfiguration.self, from: Data(#"{"steps": 7, "model": {"width": 64}, "targetAccuracy": 0.5}"#.utf8))
        var expected = SFTConfiguration()
        expected.steps = 7
        expected.model.width = 64
        expected.targetAccuracy = 0.5
        #expect(some == expected)
        let roundTrip = try JSONDecoder().decode(SFTConfiguration.self, from: try JSONEncoder().encode(some))
        #expect(roundTrip == some)
    }

    @Test("a key renamed to the training configuration's name (evaluateEvery, maxGradientNorm, samples, evaluationProblems, temperature) is one line naming the new key")
    func renamedKeys() throws {
        let renamed = ["evaluateEvery": "evalEvery", "maxGradientNorm": "gradientClip", "samples": "evalSamples", "evaluationProblems": "evalProblems",
                       "temperature": "evalTemperature"]
        for (old, new) in renamed {
            #expect(throws: ConfigurationError<SFTConfiguration>.unknownField(old, suggestion: new)) {
                try SFTConfiguration.decode(json: Data("{\"\(old)\": 1}".utf8))
            }
            let message = ConfigurationError<SFTConfiguration>.unknownField(old, suggestion: new).description
            #expect(message == "SFT configuration: unknown field \"\(old)\"; did you mean \"\(new)\"?")
        }
    }
}
