// HeaderFields lookups compare names as words (length and bytes), never as strings: equal lengths
// must still tell names apart, wherever they differ, at every length, and names too long for the
// words to spell out are compared as strings as well.

import GatewayCore
import Testing

@Test func findsLongNameAmongOthersOfEqualLength() {
    let h = HeaderFields([("Webhook-Timestamp", "1"), ("webhook-signature", "2"), ("webhook-signaturf", "3")])
    #expect(h.value(lowercased: "webhook-signature") == "2")
    #expect(h.value(lowercased: "webhook-timestamp") == "1")
    #expect(h.value(lowercased: "webhook-signaturE") == nil)
    #expect(h.value(lowercased: "xebhook-signature") == nil)
    #expect(h.value(HeaderName("Webhook-Signature")) == "2")
    #expect(h.value(HeaderName("webhook-signaturg")) == nil)
}

@Test func findsShortAndEmptyNames() {
    let h = HeaderFields([("svix-id", "a"), ("", "b"), ("content-length", "c"), ("x", "d"), ("xy", "e"), ("xyz", "f")])
    #expect(h.value(lowercased: "svix-id") == "a")
    #expect(h.value(lowercased: "") == "b")
    #expect(h.value(lowercased: "svix-signature") == nil)
    #expect(h.value(lowercased: "x") == "d")
    #expect(h.value(lowercased: "xy") == "e")
    #expect(h.value(lowercased: "xyz") == "f")
    #expect(h.value(lowercased: "xz") == nil)
    #expect(h.value(lowercased: "yx") == nil)
}

/// Every length from 0 to 40 (the words overlap differently at each), every byte changed once.
@Test func tellsApartNamesDifferingInAnyOneByteAtEveryLength() {
    for length in 0...40 {
        let name = String((0..<length).map { Character(Unicode.Scalar(UInt8(0x61 + $0 % 26))) })
        let h = HeaderFields([(name, "found")])
        #expect(h.value(lowercased: name) == "found", "length \(length)")
        #expect(h.value(HeaderName(name)) == "found", "length \(length)")
        #expect(h.value(lowercased: name + "a") == nil)
        if length > 0 { #expect(h.value(lowercased: String(name.dropLast())) == nil) }
        var bytes = Array(name.utf8)
        for i in bytes.indices {
            let original = bytes[i]
            bytes[i] = 0x2D
            let other = String(decoding: bytes, as: UTF8.self)
            #expect(h.value(lowercased: other) == nil, "length \(length) at \(i)")
            #expect(h.value(HeaderName(other)) == nil, "length \(length) at \(i)")
            bytes[i] = original
        }
    }
}

@Test func namesOfDifferentLengthsWithTheSameWordsDiffer() {
    // Names beyond 24 bytes share their words with others that differ only in the middle.
    let a = "x-slack-request-timestamp-and-more"
    let b = "x-slack-request-XXXXXXXXX-and-more"
    let h = HeaderFields([(b, "b"), (a, "a")])
    #expect(HeaderName.Words(a) == HeaderName.Words(b))
    #expect(h.value(lowercased: a) == "a")
    #expect(h.value(HeaderName(a)) == "a")
    #expect(h[a.uppercased()] == "a")
    #expect(h.values(a) == ["a"])
}

@Test func iteratesAndComparesAsPairs() {
    var h = HeaderFields(capacity: 2)
    h.add("X-One", "1")
    h.add("x-two", "2", nameIsLowercase: true)
    Array("x-three".utf8).withUnsafeBytes { h.add("x-three", "3", words: HeaderName.Words($0.baseAddress!, count: $0.count)) }
    #expect(h.map { "\($0.name)=\($0.value)" } == ["x-one=1", "x-two=2", "x-three=3"])
    #expect(h.fields.map(\.name) == ["x-one", "x-two", "x-three"])
    #expect(h == HeaderFields([("x-one", "1"), ("X-Two", "2"), ("x-three", "3")]))
    #expect(h != HeaderFields([("x-one", "1"), ("x-two", "2")]))
    #expect(h.value(lowercased: "x-three") == "3")
}
