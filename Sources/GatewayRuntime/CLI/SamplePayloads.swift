// Realistic payloads for `send`, taken from a provider's passing fixtures: one per vendor event
// name, with the fixture's non-signature headers (e.g. Reflector's X-Webhook-Event).

import GatewayCore
import GatewayProviders

struct SamplePayloads {
    struct Sample {
        var body: [UInt8]
        var headers: HeaderFields
        /// The fixture's own (public test) secret, used when no other is given.
        var secret: Secret?
    }

    private(set) var events: [String] = []
    private var samples: [String: Sample] = [:]

    init(provider: ProviderDefinition) {
        for fixture in provider.fixtures where fixture.verdict == .ok && !fixture.tamper {
            guard let payload = try? JSON.parse(fixture.body),
                  let event = try? provider.normalizer.normalize(
                      payload, webhook: InboundWebhook(path: "/", headers: fixture.headers, body: fixture.body, receivedAt: fixture.now),
                      source: provider.id).providerEvent,
                  !event.isEmpty, samples[event] == nil else { continue }
            events.append(event)
            samples[event] = Sample(body: fixture.body, headers: fixture.headers, secret: fixture.secrets.first ?? fixture.signing?.secret)
        }
    }

    func sample(for event: String) -> Sample? { samples[event] }
}
