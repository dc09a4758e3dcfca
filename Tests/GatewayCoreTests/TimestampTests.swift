import GatewayCore
import Testing

@Suite struct TimestampTests {
    @Test func formatsRFC3339InUTC() {
        #expect(Timestamp(seconds: 0).rfc3339() == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(seconds: 1_731_705_121).rfc3339(fractionDigits: 0) == "2024-11-15T21:12:01Z")
        #expect(Timestamp(milliseconds: 1_700_000_000_123).rfc3339() == "2023-11-14T22:13:20.123Z")
        #expect(Timestamp(nanoseconds: 951_782_400_000_001_000).rfc3339(fractionDigits: 6) == "2000-02-29T00:00:00.000001Z")
    }

    @Test func writesOnlyTheFractionDigitsTheValueNeeds() {
        #expect(Timestamp(seconds: 1_731_705_121).rfc3339(fractionDigits: nil) == "2024-11-15T21:12:01Z")
        #expect(Timestamp(milliseconds: 1_770_627_493_406).rfc3339(fractionDigits: nil) == "2026-02-09T08:58:13.406Z")
        #expect(Timestamp(nanoseconds: 1_770_627_493_406_739_000).rfc3339(fractionDigits: nil) == "2026-02-09T08:58:13.406739Z")
        #expect(Timestamp(nanoseconds: 1_770_627_493_000_000_001).rfc3339(fractionDigits: nil) == "2026-02-09T08:58:13.000000001Z")
    }

    @Test func formatsTimesBeforeTheEpoch() {
        #expect(Timestamp(milliseconds: -1).rfc3339() == "1969-12-31T23:59:59.999Z")
    }

    /// Digits are written two at a time from a table: the same text as a digit-at-a-time
    /// reference for instants across the whole Int64 range, every fraction length and nil.
    @Test func formatsLikeADigitAtATimeReference() {
        func reference(_ t: Timestamp, _ fractionDigits: Int?) -> String {
            let secs = t.seconds
            let frac = Int(t.nanoseconds &- secs &* 1_000_000_000)
            let digits = fractionDigits.map { max(0, min(9, $0)) }
                ?? (frac == 0 ? 0 : frac % 1_000_000 == 0 ? 3 : frac % 1_000 == 0 ? 6 : 9)
            var days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400
            let secOfDay = Int(secs - days * 86400)
            days += 719_468
            let era = (days >= 0 ? days : days - 146_096) / 146_097
            let doe = days - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            let day = Int(doy - (153 * mp + 2) / 5 + 1)
            let month = Int(mp < 10 ? mp + 3 : mp - 9)
            let year = max(0, min(9999, Int(yoe + era * 400 + (month <= 2 ? 1 : 0))))
            func pad(_ v: Int, _ width: Int) -> String { let s = String(v); return String(repeating: "0", count: width - s.count) + s }
            var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secOfDay / 3600, 2)):\(pad(secOfDay / 60 % 60, 2)):\(pad(secOfDay % 60, 2))"
            if digits > 0 { text += "." + pad(frac, 9).prefix(digits) }
            return text + "Z"
        }
        var generator = SystemRandomNumberGenerator()
        var instants: [Int64] = [0, -1, 1, .max, .min + 1_000_000_000, 999_999_999, -999_999_999, 1_000_000_000, 951_782_400_000_000_000,
                                 1_795_770_456_029_712_901, 1_795_770_452_000_000_000, 1_770_627_493_406_739_000]
        for _ in 0..<3000 { instants.append(Int64.random(in: (.min + 1_000_000_000) ... .max, using: &generator)) }
        for _ in 0..<3000 { instants.append(Int64.random(in: 0 ... 4_102_444_800_000_000_000, using: &generator)) }
        for _ in 0..<1000 { instants.append(Int64.random(in: 0 ... 4_102_444_800, using: &generator) * 1_000_000_000) }
        for _ in 0..<1000 { instants.append(Int64.random(in: 0 ... 4_102_444_800_000, using: &generator) * 1_000_000) }
        for ns in instants {
            let t = Timestamp(nanoseconds: ns)
            for digits in [nil, 0, 1, 3, 6, 8, 9, 12] as [Int?] {
                #expect(t.rfc3339(fractionDigits: digits) == reference(t, digits), "\(ns) \(String(describing: digits))")
            }
        }
    }

    @Test func secondsRoundTowardsNegativeInfinity() {
        #expect(Timestamp(milliseconds: -1).seconds == -1)
        #expect(Timestamp(milliseconds: 1999).seconds == 1)
    }
}

@Suite struct HeaderFieldsTests {
    @Test func looksUpNamesCaseInsensitively() {
        var h = HeaderFields([("Webhook-ID", "msg_1"), ("X-A", "1"), ("x-a", "2")])
        #expect(h["webhook-id"] == "msg_1")
        #expect(h["WEBHOOK-ID"] == "msg_1")
        #expect(h.values("X-a") == ["1", "2"])
        h.set("X-A", "3")
        #expect(h.values("x-a") == ["3"])
        h.remove("webhook-id")
        #expect(h["webhook-id"] == nil)
    }
}

@Suite struct MetricsTests {
    @Test func rendersPrometheusTextWithHelpTypeAndEscapedLabels() {
        let r = MetricsRegistry()
        let c = r.counter("gateway_requests_total", "Requests by source and status.", labels: ["source", "status"])
        c.labels("recall", "200").increment(by: 2)
        c.labels("we\"ird", "401").increment()
        let h = r.histogram("gateway_ingest_seconds", "Ingest latency.", buckets: [0.001, 0.01])
        h.labels().observe(0.005)
        let text = r.render()
        #expect(text.contains("# HELP gateway_requests_total Requests by source and status.\n# TYPE gateway_requests_total counter\n"))
        #expect(text.contains("gateway_requests_total{source=\"recall\",status=\"200\"} 2\n"))
        #expect(text.contains("gateway_requests_total{source=\"we\\\"ird\",status=\"401\"} 1\n"))
        #expect(text.contains("gateway_ingest_seconds_bucket{le=\"0.001\"} 0\n"))
        #expect(text.contains("gateway_ingest_seconds_bucket{le=\"0.01\"} 1\n"))
        #expect(text.contains("gateway_ingest_seconds_bucket{le=\"+Inf\"} 1\n"))
        #expect(text.contains("gateway_ingest_seconds_count 1\n"))
    }
}
