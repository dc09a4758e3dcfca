// HeaderFields lookups compare long names by bytes instead of String ==: equal lengths must still
// tell names apart, wherever they differ.

import GatewayCore
import Testing

@Test func findsLongNameAmongOthersOfEqualLength() {
    let h = HeaderFields([("Webhook-Timestamp", "1"), ("webhook-signature", "2"), ("webhook-signaturf", "3")])
    #expect(h.value(lowercased: "webhook-signature") == "2")
    #expect(h.value(lowercased: "webhook-timestamp") == "1")
    #expect(h.value(lowercased: "webhook-signaturE") == nil)
    #expect(h.value(lowercased: "xebhook-signature") == nil)
}

@Test func findsShortAndEmptyNames() {
    let h = HeaderFields([("svix-id", "a"), ("", "b"), ("content-length", "c")])
    #expect(h.value(lowercased: "svix-id") == "a")
    #expect(h.value(lowercased: "") == "b")
    #expect(h.value(lowercased: "svix-signature") == nil)
}
