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
