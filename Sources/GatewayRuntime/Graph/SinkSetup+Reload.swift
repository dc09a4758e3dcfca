// What a reload does with each configured sink: one whose settings read the same as the running
// one's keeps running untouched; any other (changed or new) runs anew, and a running sink the new
// configuration no longer names stops (DeliveryEngine.reconfigure).

import GatewayDelivery
import GatewayProviders

extension SinkSetup {
    static func reloadPlan(running: [SinkSetup], reloaded: [SinkSetup]) -> [DeliveryEngine.Plan] {
        // By content: the nodes carry line numbers, which move when lines are added above.
        let current = Dictionary(running.map { ($0.envelope.name, $0.envelope.node.jsonValue()) }, uniquingKeysWith: { a, _ in a })
        return reloaded.map { s in
            current[s.envelope.name] == s.envelope.node.jsonValue() ? .keep(s.envelope.name) : .run(s.configured)
        }
    }
}
