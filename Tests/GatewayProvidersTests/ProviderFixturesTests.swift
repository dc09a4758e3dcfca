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

    /// The provider format has no include: meetingbaas-v2-callback.yaml carries a copy of
    /// meetingbaas-v2.yaml's mapping (the same v2 payloads), less the Svix delivery id a callback
    /// does not have. A change to one file must be made to the other.
    @Test func theV2CallbackMappingIsTheV2MappingWithoutTheSvixDeliveryID() throws {
        func mapping(_ id: String) throws -> JSONObject {
            let node = try #require(try YAMLLoader.load(path: Repo.providers + "/\(id).yaml")["mapping"])
            guard case .object(let o) = node.jsonValue() else {
                Issue.record("providers/\(id).yaml: mapping is not a mapping")
                return JSONObject()
            }
            return o
        }
        var account = try mapping("meetingbaas-v2")
        let callback = try mapping("meetingbaas-v2-callback")
        guard let i = account.members.firstIndex(where: { $0.key == "fields" }), case .object(var fields) = account.members[i].value else {
            Issue.record("meetingbaas-v2 mapping has no fields")
            return
        }
        #expect(fields.members.contains { $0.key == "provider_event_id" })
        fields.members.removeAll { $0.key == "provider_event_id" }
        account.members[i].value = .object(fields)
        // Part by part (each vendor event on its own), so a failure names what drifted.
        func parts(_ o: JSONObject) -> [(String, JSONValue)] {
            o.members.flatMap { m -> [(String, JSONValue)] in
                guard m.key == "events", case .object(let events) = m.value else { return [(m.key, m.value)] }
                return events.members.map { ("events.\($0.key)", $0.value) }
            }
        }
        let a = parts(account), c = parts(callback)
        #expect(c.map(\.0) == a.map(\.0))
        for (key, value) in a {
            let copy = c.first { $0.0 == key }?.1
            let same = copy == value
            #expect(same, "mapping \(key): meetingbaas-v2-callback.yaml \(copy.map { String(decoding: $0.serialized(), as: UTF8.self) } ?? "has none"), meetingbaas-v2.yaml \(String(decoding: value.serialized(), as: UTF8.self))")
        }
    }
}
