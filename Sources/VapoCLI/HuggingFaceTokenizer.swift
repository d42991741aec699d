// Specs/export.md, "Tokenizer": our character vocabulary as a `tokenizers` JSON file.
import Foundation
import Tasks

/// The tokenizer files of the Hugging Face export. `tokenizer.json` is a byte-pair-encoding model with our 26
/// characters as its vocabulary and no merges, so every character is its own token, with no normaliser and no
/// pre-tokeniser (nothing is lower-cased, split on spaces or prefixed). PAD `_`, BOS `^`, EOS `$` and the
/// answer marker `#` are special tokens. A template prepends BOS, so `tokenizer("347+85=").input_ids` is
/// `[BOS] + Tokenizer.encode("347+85=")`, the very ids `vapo sample` feeds the model; `add_special_tokens=False`
/// gives the characters' ids alone. The `Fuse` decoder joins tokens without spaces.
enum HuggingFaceTokenizer {
    /// The special tokens and their roles (Specs/tasks.md, "Tokenizer").
    static let special: [(role: String, id: Int)] = [
        ("pad_token", Tokenizer.pad), ("bos_token", Tokenizer.bos), ("eos_token", Tokenizer.eos),
    ]

    /// The text of token `id`.
    static func text(_ id: Int) -> String { String(Tokenizer.characters[id]) }

    /// File name → JSON object of every tokenizer file.
    static var files: [(name: String, object: [String: Any])] {
        [("tokenizer.json", tokenizer), ("tokenizer_config.json", configuration), ("special_tokens_map.json", specialTokensMap)]
    }

    /// Special token ids in id order: PAD, BOS, EOS, the answer marker.
    static var specialIDs: [Int] { (special.map(\.id) + [Tokenizer.answerMarker]).sorted() }

    /// `tokenizer.json`, as the `tokenizers` library reads it.
    static var tokenizer: [String: Any] {
        let vocabulary = Dictionary(uniqueKeysWithValues: Tokenizer.characters.indices.map { (text($0), $0) })
        let added = specialIDs.map { id -> [String: Any] in
            ["id": id, "content": text(id), "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true]
        }
        let bos = text(Tokenizer.bos)
        func sequence(_ name: String) -> [String: Any] { ["Sequence": ["id": name, "type_id": 0]] }
        let bosPiece: [String: Any] = ["SpecialToken": ["id": bos, "type_id": 0]]
        return [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added,
            "normalizer": NSNull(), "pre_tokenizer": NSNull(),
            "post_processor": [
                "type": "TemplateProcessing", "single": [bosPiece, sequence("A")], "pair": [bosPiece, sequence("A"), sequence("B")],
                "special_tokens": [bos: ["id": bos, "ids": [Tokenizer.bos], "tokens": [bos]]],
            ] as [String: Any],
            "decoder": ["type": "Fuse"],
            "model": [
                "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false, "vocab": vocabulary, "merges": [String](),
            ] as [String: Any],
        ]
    }

    /// `special_tokens_map.json`: the roles of the special tokens; the answer marker is an additional one.
    static var specialTokensMap: [String: Any] {
        var map: [String: Any] = Dictionary(uniqueKeysWithValues: special.map { ($0.role, text($0.id)) })
        map["additional_special_tokens"] = [text(Tokenizer.answerMarker)]
        return map
    }

    /// `tokenizer_config.json`: a plain `PreTrainedTokenizerFast` over `tokenizer.json`, no custom code.
    static var configuration: [String: Any] {
        var config = specialTokensMap
        config["tokenizer_class"] = "PreTrainedTokenizerFast"
        config["clean_up_tokenization_spaces"] = false
        return config
    }
}
