// The three bodies an `http` sink can send for one event (CloudEvents HTTP protocol binding 1.0.2):
// structured (the envelope as is), binary (attributes as `ce-*` headers, body = data), and the
// bare `data` object for receivers that know nothing of CloudEvents.

import GatewayCore

public enum HTTPSinkMode: String, Sendable, CaseIterable {
    case structured, binary, data
}

enum CloudEventsHTTP {
    struct Message {
        var headers: [(String, String)]
        var body: [UInt8]
    }

    enum Failure: Error, CustomStringConvertible {
        case invalidEnvelope(String)
        var description: String {
            switch self { case .invalidEnvelope(let why): "the stored CloudEvents envelope is unusable: \(why)" }
        }
    }

    static func message(envelope: [UInt8], mode: HTTPSinkMode) throws(Failure) -> Message {
        switch mode {
        case .structured:
            return Message(headers: [("content-type", "application/cloudevents+json")], body: envelope)
        case .binary, .data:
            let parsed: JSONValue
            do { parsed = try JSON.parse(envelope) } catch { throw .invalidEnvelope(error.description) }
            guard let object = parsed.objectValue else { throw .invalidEnvelope("not a JSON object") }
            let contentType = object["datacontenttype"]?.stringValue ?? "application/json"
            let body = dataBytes(object["data"], contentType: contentType)
            guard mode == .binary else { return Message(headers: [("content-type", contentType)], body: body) }
            var headers: [(String, String)] = [("content-type", contentType)]
            for (key, value) in object.members where key != "data" && key != "data_base64" && key != "datacontenttype" {
                guard let text = attributeText(value) else { continue }
                headers.append(("ce-" + key, percentEncode(text)))
            }
            return Message(headers: headers, body: body)
        }
    }

    /// JSON data is sent as JSON; a string under a non-JSON content type is sent as its text.
    static func dataBytes(_ data: JSONValue?, contentType: String) -> [UInt8] {
        guard let data else { return [] }
        let isJSON = contentType.hasPrefix("application/json") || contentType.contains("+json")
        if !isJSON, case .string(let s) = data { return Array(s.utf8) }
        return data.serialized()
    }

    private static func attributeText(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): s
        case .number(let n): n
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }

    /// §3.1.3.2: space, `"`, `%` and everything outside printable ASCII are percent-encoded
    /// (as UTF-8 bytes), which also keeps CR/LF out of header values.
    static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if b > 0x20, b < 0x7F, b != 0x22, b != 0x25 {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}
