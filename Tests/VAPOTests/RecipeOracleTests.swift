import Checkpoints
import Foundation
import Kernels
import Testing
import TestSupport
import VAPO

/// The oracle of issue 18's refactoring ("nothing changes but the shape"): a short fixed run of every preset on
/// one thread, its final checkpoint bytes and its metrics (wall-clock keys aside) pinned by SHA-256 digests
/// committed here. A change that is only a refactoring leaves every digest as it is; a change of numbers must
/// update them, and say why, in the same commit.
@Suite("Refactoring oracle")
struct RecipeOracleTests {
    /// Each preset's digests of (final checkpoint bytes, metrics lines), recorded at the revision that added them.
    static let digests: [String: (checkpoint: String, metrics: String)] = [
        "vapo": ("bb1aaf0ca2fbf6a25874c98c379e2073d9a6dc8bdfd4919fbe09fb52ab819156",
            "83914d9e538a065a00fd9a5dee1cc7d871e91db7440928cf50ce3f6741a28ace"),
        "vapo-paper": ("7077f81293cda38c3a4817929ce2e6b0d871ff25f994e72ed395c4ffbffa13fd",
            "c6926b6914cc9f02f3500bac932c28b9bdfffaedd36a78e069cd715e088d3ed3"),
        "ppo": ("05b579cce4ffeb654ef507fe22509b515e864cf1588a4547ecd4beef6702cc31",
            "0cdad7530bb951f4ad004b2c1f155e9939b12be929926433eb765d7f92835673"),
        "grpo": ("cb3ce317c70f45321927c372b3ef28c09058c3d7aee57cb87b83085ee951ec43",
            "87ed9e8df6a6e595f2068ebf9328d29ef4621cf93301ae7c615a66f79804d994"),
        "dapo": ("86c03dda65e1405a32984edcccd72fe8b36dfc60190ae8e948dd9fdfbc448ac2",
            "b3fc193d57ef2518e2135316dcb512768686102b3f879901beeb33c96e8cef1f"),
        "vapo-no-value-pretrain": ("325b82d80283e32cdf01866f8be15f90fb88e05a2290802febb68e11f637fb73",
            "14e1db1c0a89efb908562cbc1012de3fe098854a7ba5a9f0e3b0c92884024010"),
        "vapo-no-decoupled-gae": ("8e75fa1cc63abe3c1e4c6e3ac203757854498dc8f318d2cb51fd914fac6f5568",
            "22becda652e11f0b3b106c78cd773d33fda63091eaa5be84a30fca24c6fb1650"),
        "vapo-no-length-adaptive-gae": ("7869c17970464952ef8aef8ab12e7d6e8eafcb114efc8fcde1b29f7395376587",
            "71505f1683997945c29fc5f1fa4cb4c153ddec872a736848f8c68f9c72a072d6"),
        "vapo-no-token-level-loss": ("d8e1e150c2e88e2c1f665b7ac0f5b31afdb5cba02cbd6ac3c85f1b84ed0ca6ec",
            "57d26b6995120306f66263079b0e07952ca10ec3bf225071da41c775e9a33711"),
        "vapo-no-clip-higher": ("0e565a9a0f69b902406667a853bfee6494144660e052b980537b9e50e2b1145d",
            "83914d9e538a065a00fd9a5dee1cc7d871e91db7440928cf50ce3f6741a28ace"),
        "vapo-no-positive-lm-loss": ("c184225a03232d6ea28ae680ad78a493b91635dc42d34697e471acffda39b5aa",
            "202d97c5c4fec04d7740ced25884dd2c69deffd4439c5a2fde98c8d153766331"),
        "vapo-no-group-sampling": ("3512f215c48cc040f855a3ef97d2991f590033a09996ab7dd64eb88227e5baeb",
            "7138a888deb97179035702c1ec0c8c2b1854662ff8a68c76324ddfa5082d9e9d"),
        // Recorded when the presets were added (issue 18), at the same revision as the recipe.
        "vineppo": ("eb1ba5e7ee79c65f6e3844ffbb2f0d14d138c9ff3902df26ca76e18fba33e676",
            "27b46b50fe17a190287847e7e9ed9df6cdceaff282e3998df9d2dc306d79222f"),
        "dapo-no-dynamic-sampling": ("2dd91200a22b30ba7256365a30a8db9b17d5def69a9bdd3ddf658cd21114f919",
            "40d3c40d829e5155657718fedd3ece35993db26a34f54c2960fc0785c5ed6e5a"),
        "dapo-no-overlong-shaping": ("e684c8ab4cff5e3aefe654c5de994fc0079b0c8296b6ca27d7151c7f471f9010",
            "67c7b8cf5c926bc4f4a46099c9e4b818b5220d400e3e3f34dbccbf9c582938ae"),
        "grpo-no-kl": ("1b41a74c0e9d7d4db49e31fb79cf96c48fbf40c1998ab0ecebe0c93584bccbe1",
            "10eedde1f20a718ae384cf2c5deb620c39cc5389de0c9d96c312672613c26e3d"),
        "grpo-no-std": ("4869dc10a2be9923596f5764e7f11160c77de6f15b197f9057ae071a0c167478",
            "0a3dc1487d9efb35bf37b27c636502c1866986251b24c505019a78b245aa9369"),
        "vapo+overlong-shaping": ("63c31913b2097a1a77bec5fe1021f4314f686d9d1c279e804e31e1ee2def5e11",
            "a68c3d88d8d888f5b2f67fd25059089e21b1be895eac50a84ef6b78e502d4f1c"),
        "vapo-no-dynamic-sampling": ("b16348392fb9ef07bb3fc6d3a792c63f8ba24bfe9ee4a2dc5d6443109e376c8c",
            "f1577055aa784e1a48e4ef3c570a1ad73b0b40cafedb774a3aaa47660e13dd19"),
        "dapo+positive-lm-loss": ("6187e3c08f0d7d96a05b65e8fc92c43da8a536ef38576622eadfe8e76fde133d",
            "af9fc36596ab6aae15bee89fdbd5c05ff7b751a8ae2d3072329fbb8a4070214d"),
        "vapo+kl": ("f812e28491c7c042cb35b860179444b28f5385a2fb81bdc40300df24512a5568",
            "f83dff8508b5f8a00ce8a879bedb9dfd293e36cfa7268992c58485ae6ffefed1"),
    ]

    /// Configuration fields added after the digests were recorded: the recipe's switches for the parts that were
    /// tied to an algorithm's name (issue 18). The checkpoint stores the configuration as pretty-printed JSON, one
    /// field per line; the digest is taken with these fields' lines left out, so that the bytes hashed are the
    /// recording revision's schema and every tensor, counter and other metadata byte is still compared. What the
    /// fields hold is the configuration tests' business (every preset round-trips through JSON with every field).
    static let fieldsAddedSinceRecording = [
        "advantageEstimator", "normalizeByGroupStd", "referenceKL", "overlongFiltering", "overlongPunishment", "vineppoContinuations", "vineppoStateEvery",
    ]

    /// The run: `Fixtures.configuration(preset)` for 3 steps from the test policy on the lenient addition task.
    static func run(_ preset: String) throws -> (checkpoint: String, metrics: String) {
        try Parallel.withThreadCount(1) {
            let trainer = try Trainer(configuration: Fixtures.configuration(preset), policy: Fixtures.policy(Float.self), task: LenientAddition())
            var lines: [String] = []
            for step in 1...3 {
                let metrics = try trainer.step().filter { !$0.key.hasPrefix("timing_s/") && !$0.key.hasPrefix("perf/") }
                lines.append(MetricsWriter.line(step: step, metrics))
            }
            var checkpoint = trainer.checkpoint()
            let configuration = try #require(checkpoint.metadata["vapo.configuration"])
            let added = fieldsAddedSinceRecording.map { "\"\($0)\" : " }
            #expect(added.allSatisfy { configuration.contains($0) }, "the checkpoint's configuration has every field")
            checkpoint.metadata["vapo.configuration"] = configuration.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { line in !added.contains { line.contains($0) } }.joined(separator: "\n")
            return (SHA256.hex(try checkpoint.encoded()), SHA256.hex(Array(lines.joined(separator: "\n").utf8)))
        }
    }

    @Test("SHA-256 of the empty string, of abc and of a two-block message are FIPS 180-4's")
    func sha256() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("every preset's 3-step run on one thread gives the committed digests of its final checkpoint and its metrics", arguments: TrainingConfiguration.presetNames)
    func digestsUnchanged(preset: String) throws {
        let found = try Self.run(preset)
        let expected = try #require(Self.digests[preset], "no digest committed for \(preset): \(found)")
        #expect(found.checkpoint == expected.checkpoint, "\(preset) checkpoint")
        #expect(found.metrics == expected.metrics, "\(preset) metrics")
    }
}
