// Every golden fixture of every built-in provider file passes through the real verify → process
// path (the same one `webhook-gateway providers test` runs).

import Testing
import GatewayConfig
import GatewayCore
@testable import GatewayProviders

@Suite struct ProviderFixturesTests {
    @Test func theBuiltInProviderFilesLoadWithoutErrors() throws {
        let r = try Repo.registry()
        #expect(Set(r.ids) == ["recall", "meetingbaas", "meetingbaas-v2", "meetingbaas-v2-callback", "retell", "reflector"])
    }

    @Test(arguments: ["recall", "meetingbaas", "meetingbaas-v2", "meetingbaas-v2-callback", "retell", "reflector"])
    func everyFixturePasses(provider id: String) throws {
        let r = try Repo.registry()
        let p = try #require(r[id])
        #expect(p.fixtures.count >= 8, "\(id) has too few fixtures")
        for result in FixtureRunner.run(p) {
            let passed = result.passed
            #expect(passed, "\(result.location) \(result.name): \(result.message)")
        }
    }

    @Test(arguments: ["recall", "meetingbaas", "meetingbaas-v2", "meetingbaas-v2-callback", "retell", "reflector"])
    func everyProviderHasMustFailFixtures(provider id: String) throws {
        let p = try #require(try Repo.registry()[id])
        #expect(p.fixtures.contains { $0.verdict == .unauthorized })
        #expect(p.fixtures.contains { $0.verdict == .badRequest })
    }

    /// Metadata kept as the payload's text (PassThroughJSON) writes the same envelope, byte for
    /// byte, as the same metadata built as a value and written by the writer.
    @Test func metadataKeptAsTextWritesTheSameEnvelopeAsItsValue() throws {
        var withMetadata = 0
        for (fixture, webhook, processed) in try Repo.processedFixtures() {
            guard let metadata = processed.event.metadata else { continue }
            var rebuilt = processed.event
            rebuilt.passThroughMetadata = PassThroughJSON(metadata)
            let envelope = EventEnvelope.write(rebuilt, id: processed.eventID, partitionKey: processed.partitionKey, raw: webhook.body)
            #expect(envelope == processed.envelope, "\(fixture.location) \(fixture.name)")
            withMetadata += 1
        }
        #expect(withMetadata > 10)
    }
}
