// The event-name table a request looks its rule up in: every name the file defines finds its own
// rule, whatever its length (the hash reads words, then a tail), and nothing else finds one.

import Testing
import GatewayCore
@testable import GatewayProviders

@Suite struct EventRuleTableTests {
    func rule(_ i: Int) -> MappingNormalizer.EventRule {
        .init(type: .fixed(.unknown), fields: FieldSet(), sessionKind: i % 2 == 0 ? .bot : .call)
    }

    @Test func findsEachNameItsOwnRuleAndNothingElse() {
        let names = ["", "a", "bot.done", "bot.done2", "bot.dona", "bot.in_call_recording", "bot.in_call_recordinG",
                     "participant_events.screenshare_off", "é.événement", String(repeating: "x", count: 64)]
            + (0..<100).map { "event.\($0)" }
        var rules: [String: MappingNormalizer.EventRule] = [:]
        for (i, n) in names.enumerated() { rules[n] = rule(i) }
        let table = EventRuleTable(rules)
        for n in names { #expect(table.rule(named: n) === rules[n], "\(n)") }
        for n in ["b", "bot.don", "bot.done ", "event.100", "event.-1", "e.événement", String(repeating: "x", count: 63)] {
            #expect(table.rule(named: n) == nil, "\(n)")
        }
        #expect(EventRuleTable([:]).rule(named: "bot.done") == nil)
    }
}
