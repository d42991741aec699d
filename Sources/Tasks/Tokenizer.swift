// Specs/tasks.md, "Tokenizer".
/// The character-level tokenizer shared by every task: one token per character, 26 tokens in all.
///
/// | id | character | meaning |
/// | --- | --- | --- |
/// | 0 | `_` | PAD: fills a batch after EOS; never a training target |
/// | 1 | `^` | BOS: starts every sequence |
/// | 2 | `$` | EOS: ends every response |
/// | 3 | `#` | answer marker: the final answer follows it |
/// | 4–13 | `0`–`9` | digits |
/// | 14–20 | `+ - * / = ( )` | arithmetic |
/// | 21–25 | `, \| : > c` | separators, and `c` for a carry |
///
/// The special tokens have printable characters of their own, so every token sequence decodes to a string
/// and encodes back to the same tokens, and a model's output can be printed as it is (`^347+85=…#432$`).
public enum Tokenizer {
    /// The character of each token, in id order.
    public static let characters: [Character] = Array("_^$#0123456789+-*/=(),|:>c")
    /// The number of tokens (26): the vocabulary size a model needs.
    public static var vocabularySize: Int { characters.count }

    /// PAD: pads a batch after EOS. A response ends at its first EOS or PAD.
    public static let pad = 0
    /// BOS: the first token of every sequence.
    public static let bos = 1
    /// EOS: the last token of every response.
    public static let eos = 2
    /// The answer marker `#`: the final answer is the text after the first one.
    public static let answerMarker = 3

    /// Token id by ASCII code, −1 where the character is not in the vocabulary.
    private static let idByASCII: [Int] = {
        var table = [Int](repeating: -1, count: 128)
        for (id, character) in characters.enumerated() { table[Int(character.asciiValue!)] = id }
        return table
    }()

    /// The token of `character`, or nil when it is not in the vocabulary.
    public static func token(for character: Character) -> Int? {
        // A Character is one grapheme: "\r\n" and combining sequences are not single ASCII scalars.
        guard character.unicodeScalars.count == 1, let ascii = character.asciiValue else { return nil }
        let id = idByASCII[Int(ascii)]
        return id >= 0 ? id : nil
    }

    /// The tokens of `text`, one per character. Throws `TokenizerError.unknownCharacter` naming the first
    /// character outside the vocabulary and its position.
    public static func encode(_ text: String) throws(TokenizerError) -> [Int] {
        var tokens: [Int] = []
        tokens.reserveCapacity(text.utf8.count)
        for (position, character) in text.enumerated() {
            guard let id = token(for: character) else {
                throw .unknownCharacter(character, position: position)
            }
            tokens.append(id)
        }
        return tokens
    }

    /// The text of `tokens`, one character per token. Throws `TokenizerError.unknownToken` naming the first
    /// id outside `0..<vocabularySize` and its position.
    public static func decode(_ tokens: some Sequence<Int>) throws(TokenizerError) -> String {
        var text = ""
        for (position, id) in tokens.enumerated() {
            guard characters.indices.contains(id) else { throw .unknownToken(id, position: position) }
            text.append(characters[id])
        }
        return text
    }
}

/// A string or a token sequence that the shared vocabulary cannot represent.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// `character`, at character offset `position`, has no token.
    case unknownCharacter(Character, position: Int)
    /// `id`, at offset `position`, is not a token id.
    case unknownToken(Int, position: Int)

    public var description: String {
        let allowed = String(Tokenizer.characters)
        switch self {
        case .unknownCharacter(let character, let position):
            return "character \(String(character).debugDescription) at position \(position) is not in the "
                + "vocabulary; the \(Tokenizer.vocabularySize) characters allowed are \(allowed)"
        case .unknownToken(let id, let position):
            return "token id \(id) at position \(position) is not in the vocabulary; ids are "
                + "0..<\(Tokenizer.vocabularySize) (\(allowed))"
        }
    }
}
