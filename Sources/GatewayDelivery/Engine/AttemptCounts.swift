// A sink's delivery attempts since start, by outcome, for its status. Plain counters rather than
// a dictionary by label: they change for every attempted event (a String hash each under W1) and
// are read only when someone asks for the status.

struct AttemptCounts {
    private var delivered = 0, retry = 0, permanent = 0, gone = 0

    mutating func count(_ outcome: DeliveryOutcome) {
        switch outcome {
        case .delivered: delivered += 1
        case .retry: retry += 1
        case .permanent: permanent += 1
        case .gone: gone += 1
        }
    }

    /// By outcome label (`DeliveryOutcome.label`); outcomes that never happened are absent.
    var byLabel: [String: Int] {
        let counted: [(DeliveryOutcome, Int)] = [
            (.delivered(status: nil), delivered), (.retry(reason: "", after: nil), retry),
            (.permanent(reason: ""), permanent), (.gone(reason: ""), gone),
        ]
        var out: [String: Int] = [:]
        for (outcome, n) in counted where n > 0 { out[outcome.label] = n }
        return out
    }
}
