// A sink's attempt counters as status reports them: by outcome label, only outcomes that happened.

import Testing
@testable import GatewayDelivery

@Test func attemptCountsReportOnlyOutcomesThatHappenedByLabel() {
    var counts = AttemptCounts()
    #expect(counts.byLabel.isEmpty)
    counts.count(.delivered(status: 200))
    counts.count(.delivered(status: nil))
    counts.count(.retry(reason: "HTTP 503", after: 2))
    counts.count(.gone(reason: "HTTP 410"))
    #expect(counts.byLabel == ["delivered": 2, "retry": 1, "gone": 1])
}
