import PropertyBased
import PropertyTesting
import Tasks
import Testing

@Suite("Verifiers")
struct VerifierTests {
    static let digits = Array("0123456789")

    @Test("the teacher response always verifies, as tokens and as text, with or without EOS and padding")
    func teacherVerifies() async throws {
        await checkProperty(count: 500, input: Fixtures.taskNumbers, Fixtures.difficultyNumbers, Fixtures.seeds, Fixtures.indices) {
            t, k, seed, index in
            for split in Split.allCases {
                let problem = try Fixtures.problem(t, k, seed, index, split)
                let task = Fixtures.tasks[t]
                #expect(task.verify(response: problem.responseTokens, for: problem))
                #expect(task.verify(response: problem.response, for: problem))
                #expect(task.verify(response: problem.response + "$", for: problem))
                #expect(task.verify(response: problem.responseTokens + [Tokenizer.pad, Tokenizer.pad], for: problem))
                #expect(task.isCorrect(answer: problem.answer, for: problem))
            }
        }
    }

    @Test("a changed answer never verifies: any digit replaced, deleted or inserted, or a leading zero")
    func perturbedAnswer() async throws {
        await checkProperty(count: 300, input: Fixtures.taskNumbers, Fixtures.difficultyNumbers, Fixtures.seeds, Fixtures.indices) {
            t, k, seed, index in
            let problem = try Fixtures.problem(t, k, seed, index)
            let task = Fixtures.tasks[t]
            let answer = Array(problem.answer)
            func rejects(_ changed: [Character]) {
                #expect(!task.verify(response: problem.trace + "#" + String(changed) + "$", for: problem),
                        "\(problem.prompt) accepted \(String(changed))")
            }
            for i in answer.indices where answer[i].isNumber {
                for digit in Self.digits where digit != answer[i] {
                    var changed = answer
                    changed[i] = digit
                    rejects(changed)
                }
                var shorter = answer
                shorter.remove(at: i)
                rejects(shorter)
            }
            for i in 0...answer.count {
                for digit in Self.digits {
                    var longer = answer
                    longer.insert(digit, at: i)
                    rejects(longer)
                }
            }
            rejects(["0"] + answer)
        }
    }

    @Test("a missing marker, an empty response, garbage, an extra marker and any truncation never verify")
    func malformedResponses() async throws {
        await checkProperty(
            count: 300, input: Fixtures.taskNumbers, Fixtures.difficultyNumbers, Fixtures.seeds, TokenizerTests.tokenSequences
        ) { t, k, seed, garbage in
            let problem = try Fixtures.problem(t, k, seed, 0)
            let task = Fixtures.tasks[t]
            let response = problem.responseTokens
            // Truncated anywhere before the end of the answer (the last token of a response is EOS).
            for length in 0..<(response.count - 1) {
                #expect(!task.verify(response: Array(response.prefix(length)), for: problem))
            }
            // The marker removed, or doubled.
            let withoutMarker = response.filter { $0 != Tokenizer.answerMarker }
            #expect(!task.verify(response: withoutMarker, for: problem))
            #expect(!task.verify(response: problem.trace + "##" + problem.answer, for: problem))
            #expect(!task.verify(response: problem.response + "#" + problem.answer, for: problem))
            // Empty, and garbage without a marker; EOS or PAD before the marker ends the response.
            for empty in [[], [Tokenizer.eos], [Tokenizer.pad], [Tokenizer.answerMarker], [Tokenizer.answerMarker, Tokenizer.eos]] {
                #expect(!task.verify(response: empty, for: problem))
            }
            let noise = garbage.filter { $0 != Tokenizer.answerMarker }
            #expect(!task.verify(response: noise, for: problem))
            #expect(!task.verify(response: [Tokenizer.eos] + response, for: problem))
            #expect(!task.verify(response: Array(response.prefix(3)) + [Tokenizer.pad] + response, for: problem))
            // Garbage after the marker is wrong unless it is the canonical answer itself.
            if problem.task != "countdown" {
                let text = try Tokenizer.decode(noise.prefix { $0 != Tokenizer.eos && $0 != Tokenizer.pad })
                #expect(task.verify(response: problem.trace + "#" + text, for: problem) == (text == problem.answer))
            }
        }
    }

    @Test("the answer ends at the first EOS or PAD: later tokens are ignored, and an EOS inside the answer cuts it")
    func answerBoundary() throws {
        let task = ColumnAddition()
        let problem = try task.problem(prompt: "347+85=")
        let answer = try Tokenizer.encode("#432")
        let trace = try Tokenizer.encode(problem.trace)
        #expect(task.verify(response: trace + answer + [Tokenizer.eos] + (try Tokenizer.encode("99#1")), for: problem))
        #expect(task.verify(response: trace + answer + [Tokenizer.pad, 7, 7], for: problem))
        #expect(task.verify(response: trace + answer, for: problem))
        #expect(!task.verify(response: trace + (try Tokenizer.encode("#43")) + [Tokenizer.eos, 5], for: problem))
        #expect(!task.verify(response: trace + answer + (try Tokenizer.encode("1")), for: problem))
        #expect(Response.finalAnswer(of: trace + answer + [Tokenizer.eos]) == "432")
        #expect(Response.finalAnswer(of: trace) == nil)
    }

    @Test("ids and characters outside the vocabulary are simply wrong, never a crash")
    func outsideVocabulary() throws {
        for task in Fixtures.tasks {
            let problem = try task.trainingSet(count: 1, seed: 4)[0]
            let answer = try Tokenizer.encode(problem.answer)
            for bad in [-1, 26, 1 << 40, Int.min] {
                #expect(!task.verify(response: [Tokenizer.answerMarker, bad] + answer, for: problem))
                #expect(!task.verify(response: [Tokenizer.answerMarker] + answer + [bad], for: problem))
                #expect(!task.verify(response: [bad, Tokenizer.answerMarker] + answer, for: problem))
                #expect(task.verify(response: [Tokenizer.answerMarker] + answer + [Tokenizer.eos, bad], for: problem))
            }
            #expect(!task.verify(response: "#" + problem.answer + "x", for: problem))
            #expect(!task.verify(response: "é#" + problem.answer, for: problem))
        }
    }
}
