// `mapping_from: ID`: a provider that receives another provider's payloads (a vendor variant with
// other signing or dedupe) reuses that provider's mapping instead of copying it. Resolved once
// every file is decoded; every misuse is a load error at the key's file:line:col.

import Foundation
import Testing
import GatewayConfig
import GatewayCore
@testable import GatewayProviders

@Suite struct ProviderMappingReuseTests {
    static let base = """
        id: base
        verify: {scheme: token, header: x-base}
        dedupe: "{body_sha256}"
        mapping:
          fields: {session.id: data.bot_id}
          events: {bot.done: session.completed}
        """

    /// A provider named `id` reusing `from`'s mapping (the value is at line 4, column 15).
    static func variant(_ id: String, from: String) -> String {
        """
        id: \(id)
        verify: {scheme: token, header: x-\(id)}
        dedupe: "{data.bot_id}"
        mapping_from: \(from)
        """
    }

    func directory(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("providers-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    func load(_ files: [String: String], normalizers: NormalizerRegistry = .builtIn) throws -> (ProviderRegistry, [String]) {
        let dir = try directory(files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = ConfigDiagnostics()
        let r = ProviderRegistry.load(directory: dir, normalizers: normalizers, diagnostics: d)
        return (r, d.errors.map(\.description))
    }

    func process(_ p: ProviderDefinition, _ body: String) throws -> ProcessedWebhook {
        let wh = InboundWebhook(path: "/webhooks/x", headers: HeaderFields(), body: Array(body.utf8), receivedAt: Timestamp(seconds: 1_700_000_000))
        return try p.process(wh, source: "s", keepRaw: false)
    }

    /// The reusing file is loaded before its target ("a-…" < "z-…") and after it: same result.
    @Test(arguments: [("a-variant.yaml", "z-base.yaml"), ("z-variant.yaml", "a-base.yaml")])
    func theReusedMappingIsFoundWhateverTheFileOrder(variantFile: String, baseFile: String) throws {
        let (r, errors) = try load([variantFile: Self.variant("variant", from: "base"), baseFile: Self.base])
        #expect(errors.isEmpty, "\(errors)")
        #expect(Set(r.ids) == ["base", "variant"])
        let out = try process(try #require(r["variant"]), #"{"event":"bot.done","data":{"bot_id":"b1"}}"#)
        #expect(out.event.type == EventType(rawValue: "session.completed"))
        #expect(out.event.session?.id == "b1")
        #expect(out.event.provider == "variant")
        #expect(out.dedupeKey == "b1")  // its own dedupe, not the base's body hash
        #expect(try process(try #require(r["base"]), #"{"event":"bot.done"}"#).event.provider == "base")
    }

    @Test func anUnknownIDIsAnErrorWithASuggestion() throws {
        let (r, errors) = try load(["base.yaml": Self.base, "variant.yaml": Self.variant("variant", from: "bsae")])
        #expect(errors.contains { $0.hasSuffix("variant.yaml:4:15: provider 'variant': mapping_from 'bsae': no such provider (loaded: base, variant) (did you mean 'base'?)") },
                "\(errors)")
        #expect(r.ids == ["base"])
    }

    /// The target's file has its own error: the reuse names it instead of calling the id unknown,
    /// in a directory load and for a single file alike.
    @Test func reusingAProviderWhoseFileHasErrorsSaysSo() throws {
        let broken = Self.base + "\nsurprise: 1\n"  // an unknown key
        let (r, errors) = try load(["base.yaml": broken, "variant.yaml": Self.variant("variant", from: "base")])
        #expect(errors.contains { $0.contains("variant.yaml:4:15: provider 'variant': mapping_from 'base': that provider did not load, because of errors in ")
                                  && $0.hasSuffix("/base.yaml; fix them first") }, "\(errors)")
        #expect(!errors.contains { $0.contains("no such provider") }, "\(errors)")
        #expect(r.ids.isEmpty)

        let dir = try directory(["base.yaml": broken, "variant.yaml": Self.variant("variant", from: "base")])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = ConfigDiagnostics()
        #expect(ProviderRegistry.load(file: dir + "/variant.yaml", diagnostics: d) == nil)
        #expect(d.errors.map(\.description) == ["\(dir)/variant.yaml:4:15: provider 'variant': mapping_from 'base': that provider did not load, because of errors in \(dir)/base.yaml; fix them first"])
    }

    @Test func reusingAProviderThatReusesIsAnError() throws {
        let (r, errors) = try load(["base.yaml": Self.base, "one.yaml": Self.variant("one", from: "base"),
                                    "two.yaml": Self.variant("two", from: "one")])
        #expect(errors == [errors.first { $0.hasSuffix("two.yaml:4:15: provider 'two': mapping_from 'one': that provider reuses the mapping of 'base' itself; chains are not supported, name 'base'") }].compactMap { $0 },
                "\(errors)")
        #expect(Set(r.ids) == ["base", "one"])
    }

    @Test func reusingItselfIsAnError() throws {
        let (r, errors) = try load(["loop.yaml": Self.variant("loop", from: "loop")])
        #expect(errors.contains { $0.hasSuffix("loop.yaml:4:15: provider 'loop': mapping_from 'loop': a provider cannot reuse its own mapping") }, "\(errors)")
        #expect(r.ids.isEmpty)
    }

    /// Reported at the second of the two in the file.
    @Test func aMappingAndAMappingFromTogetherAreAnError() throws {
        let both = Self.variant("both", from: "base") + "\nmapping: {events: {bot.done: session.completed}}\n"
        let (r, errors) = try load(["base.yaml": Self.base, "both.yaml": both])
        #expect(errors.contains { $0.hasSuffix("both.yaml:5:10: provider 'both': give only one of 'mapping', 'normalizer' or 'mapping_from', not 'mapping_from' and 'mapping'") },
                "\(errors)")
        #expect(r.ids == ["base"])
    }

    /// A provider with a Swift normaliser has no mapping to reuse; a variant names the normaliser.
    @Test func reusingAProviderWithASwiftNormalizerIsAnError() throws {
        struct Fixed: Normalizer {
            func normalize(_ document: JSONDocument, webhook: InboundWebhook, source: String) throws(NormalizationError) -> MeetingEvent {
                MeetingEvent(type: .test, provider: "ignored", source: source, providerEvent: "x", receivedAt: webhook.receivedAt)
            }
        }
        var normalizers = NormalizerRegistry.builtIn
        normalizers.register(name: "fixed", Fixed())
        let custom = "id: custom\nverify: {scheme: token, header: x-c}\ndedupe: \"{body_sha256}\"\nnormalizer: fixed\n"
        let (r, errors) = try load(["custom.yaml": custom, "variant.yaml": Self.variant("variant", from: "custom")], normalizers: normalizers)
        #expect(errors.contains { $0.hasSuffix("variant.yaml:4:15: provider 'variant': mapping_from 'custom': that provider has the Swift normalizer 'fixed', not a mapping; write 'normalizer: fixed' instead") },
                "\(errors)")
        #expect(r.ids == ["custom"])
    }

    /// `providers test FILE`: a lone file is resolved against the other files of its directory.
    @Test func aSingleFileFindsTheMappingInItsDirectory() throws {
        let dir = try directory(["base.yaml": Self.base, "variant.yaml": Self.variant("variant", from: "base"),
                                 "stray.yaml": Self.variant("stray", from: "nowhere")])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = ConfigDiagnostics()
        let p = try #require(ProviderRegistry.load(file: dir + "/variant.yaml", diagnostics: d))
        #expect(d.errors.isEmpty, "\(d.errors)")  // stray.yaml's error is not this file's
        #expect(try process(p, #"{"event":"bot.done","data":{"bot_id":"b1"}}"#).event.type == EventType(rawValue: "session.completed"))
        let stray = ProviderRegistry.load(file: dir + "/stray.yaml", diagnostics: d)
        #expect(stray == nil)
        #expect(d.errors.map(\.description).contains { $0.contains("stray.yaml:4:15: provider 'stray': mapping_from 'nowhere': no such provider") })
    }

    /// The built-in v2 callback provider maps every v2 payload exactly as the v2 provider does.
    @Test func theV2CallbackMapsTheV2FixturesLikeV2() throws {
        let r = try Repo.registry()
        let v2 = try #require(r["meetingbaas-v2"]), callback = try #require(r["meetingbaas-v2-callback"])
        var compared = 0
        for fixture in v2.fixtures where fixture.verdict == .ok {
            let a = try process(v2, String(decoding: fixture.body, as: UTF8.self))
            let b = try process(callback, String(decoding: fixture.body, as: UTF8.self))
            #expect(b.event.provider == "meetingbaas-v2-callback")
            var same = b.event
            same.provider = a.event.provider
            #expect(same == a.event, "\(fixture.name)")
            compared += 1
        }
        #expect(compared >= 8)
    }
}
