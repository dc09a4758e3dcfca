// Realistic payloads for `webhook-gateway send`: taken from the provider file's own accepted
// fixtures, so playing the vendor works for user-added providers too.

import GatewayCore

extension ProviderDefinition {
    /// The vendor event names that have an accepted (`verdict: ok`) fixture, in file order.
    public var sampleEvents: [String] {
        var seen: [String] = []
        for (name, _) in acceptedSamples() where !seen.contains(name) { seen.append(name) }
        return seen
    }

    /// The first accepted fixture for the vendor event `name` (its `body` is the payload to send,
    /// to be signed with `verification.sign`).
    public func sample(forEvent name: String) -> Fixture? {
        acceptedSamples().first { $0.event == name }?.fixture
    }

    private func acceptedSamples() -> [(event: String, fixture: Fixture)] {
        fixtures.compactMap { f in
            guard f.verdict == .ok, let payload = try? JSONDocument(parsing: f.body) else { return nil }
            let webhook = InboundWebhook(path: "/", headers: f.headers, body: f.body, receivedAt: f.now)
            guard let event = try? normalizer.normalize(payload, webhook: webhook, source: id), !event.providerEvent.isEmpty else { return nil }
            return (event.providerEvent, f)
        }
    }
}
