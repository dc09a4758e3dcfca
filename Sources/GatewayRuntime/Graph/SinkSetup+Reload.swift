// What a reload does with each configured sink: one whose settings read the same as the running
// one's, secrets included, keeps running untouched; any other (changed or new) runs anew, and a
// running sink the new configuration no longer names stops (DeliveryEngine.reconfigure).

import GatewayDelivery
import GatewayProviders

extension SinkSetup {
    static func reloadPlan(running: [SinkSetup], reloaded: [SinkSetup]) -> [DeliveryEngine.Plan] {
        // By content: the nodes carry line numbers, which move when lines are added above. A secret
        // reference reads the same after its file changed: the values are compared too.
        let current = Dictionary(running.map { ($0.envelope.name, $0) }, uniquingKeysWith: { a, _ in a })
        return reloaded.map { s in
            guard let old = current[s.envelope.name], old.envelope.node.jsonValue() == s.envelope.node.jsonValue(),
                  old.secretValues == s.secretValues else { return .run(s.configured) }
            return .keep(s.envelope.name)
        }
    }
}
