import PropertyBased
import PropertyTesting
import Tasks
import Testing

@Suite("Tokenizer")
struct TokenizerTests {
    /// Any token sequence of the vocabulary.
    static let tokenSequences = Gen.int(in: 0...(Tokenizer.vocabularySize - 1)).array(of: 0...60)

    /// Characters that are not in the vocabulary, including multi-scalar graphemes whose first scalar is.
    static let foreignCharacters: [Character] = ["a", "C", " ", "\n", "\r\n", "x", "?", "é", "🙂", "1\u{301}", "\u{0}", "\u{7F}", "[", "."]

    @Test("the vocabulary has 26 tokens: PAD, BOS, EOS and the answer marker first, each character once")
    func vocabulary() throws {
        #expect(Tokenizer.vocabularySize == 26)
        #expect(Set(Tokenizer.characters).count == Tokenizer.characters.count)
        #expect([Tokenizer.pad, Tokenizer.bos, Tokenizer.eos, Tokenizer.answerMarker] == [0, 1, 2, 3])
        #expect(try Tokenizer.encode("_^$#") == [0, 1, 2, 3])
        #expect(try Tokenizer.encode("0123456789") == Array(4...13))
        #expect(try Tokenizer.encode("+-*/=(),|:>c") == Array(14...25))
    }

    @Test("decode then encode returns any token sequence, and encode then decode returns its text")
    func roundTrip() async {
        await checkProperty(count: 300, input: Self.tokenSequences) { tokens in
            let text = try Tokenizer.decode(tokens)
            #expect(text.count == tokens.count)
            #expect(try Tokenizer.encode(text) == tokens)
            #expect(try Tokenizer.decode(Tokenizer.encode(text)) == text)
        }
    }

    @Test("a character outside the vocabulary is an error naming it and its position, never a crash")
    func unknownCharacter() async {
        await checkProperty(
            count: 200, input: Self.tokenSequences, Gen.int(in: 0...60), Gen.int(in: 0...(Self.foreignCharacters.count - 1))
        ) { tokens, offset, which in
            let foreign = Self.foreignCharacters[which]
            var text = Array(try Tokenizer.decode(tokens))
            let position = min(offset, text.count)
            text.insert(foreign, at: position)
            #expect(throws: TokenizerError.unknownCharacter(foreign, position: position)) {
                try Tokenizer.encode(String(text))
            }
            #expect(Tokenizer.token(for: foreign) == nil)
        }
        let error = TokenizerError.unknownCharacter("x", position: 4)
        #expect(error.description.contains("\"x\"") && error.description.contains("position 4"))
        #expect(error.description.contains(String(Tokenizer.characters)))
    }

    @Test("a token id outside the vocabulary is an error naming it and its position, never a crash")
    func unknownToken() async {
        await checkProperty(
            count: 200, input: Self.tokenSequences, Gen.int(in: 0...60), Gen.int(in: 0...5)
        ) { tokens, offset, which in
            let foreign = [-1, 26, 27, 1000, Int.min, Int.max][which]
            var bad = tokens
            let position = min(offset, bad.count)
            bad.insert(foreign, at: position)
            #expect(throws: TokenizerError.unknownToken(foreign, position: position)) { try Tokenizer.decode(bad) }
        }
        #expect(TokenizerError.unknownToken(26, position: 0).description.contains("0..<26"))
    }

    @Test("a problem's tokens are BOS, the prompt, the trace, the marker, the answer and EOS")
    func problemTokens() throws {
        let problem = try ColumnAddition().problem(prompt: "347+85=")
        #expect(problem.promptTokens == [Tokenizer.bos] + (try Tokenizer.encode("347+85=")))
        #expect(try Tokenizer.decode(problem.responseTokens) == "1:7+5+c0=12>2,c1|2:4+8+c1=13>3,c1|3:3+0+c1=04>4,c0#432$")
        #expect(problem.tokens == problem.promptTokens + problem.responseTokens)
        #expect(problem.tokenCount == problem.tokens.count)
        #expect(problem.traceTokenCount == 50)
    }
}
