// Decodes a provider file's `mapping:` section (docs/PROVIDERS-FORMAT.md, "mapping"):
//   event: <expression>            the vendor's event name (default: the path `event`)
//   session_kind: bot              default kind of the session id
//   fields: {target: expression}   filled for every event, including unknown ones
//   events:
//     bot.done: session.completed  short form: a constant type
//     bot.status_change:           long form
//       type: {path: data.status.code, map: {joining_call: session.joining}, default: provider.unknown}
//       session_kind: calendar
//       fields: {...}              merged over the common fields
//     calendar.*: calendar.updated a trailing `*` matches by prefix

import GatewayCore

extension MappingNormalizer {
    static func decode(_ node: ConfigNode, provider: String, context: String, diagnostics: ConfigDiagnostics) -> MappingNormalizer {
        var r = ConfigReader(node, context: context, diagnostics: diagnostics)
        let eventName = r.node("event").flatMap { MappingExpression.decode($0, context: "\(context) key 'event'", diagnostics: diagnostics) }
            ?? .paths(JSONPathList([JSONPath(components: [.key("event")], text: "event")]))
        let kinds = MeetingEvent.SessionKind.allCases.map(\.rawValue)
        let kind = MeetingEvent.SessionKind(rawValue: r.choice("session_kind", of: kinds, default: "bot")) ?? .bot
        let common = r.node("fields").map { FieldSet.decode($0, context: "\(context) fields", diagnostics: diagnostics) } ?? FieldSet()
        var exact: [String: EventRule] = [:]
        var prefixes: [(prefix: String, rule: EventRule)] = []
        if let events = r.node("events") {
            if case .mapping(let pairs) = events.value {
                for (k, v) in pairs {
                    guard let name = k.scalar, !name.isEmpty else {
                        diagnostics.error("\(context): event names must be non-empty strings", at: k.location)
                        continue
                    }
                    guard let rule = decodeRule(v, common: common, kind: kind, context: "\(context) event '\(name)'", diagnostics: diagnostics) else { continue }
                    if name.hasSuffix("*") { prefixes.append((String(name.dropLast()), rule)) } else { exact[name] = rule }
                }
            } else if !events.isNull {
                diagnostics.error("\(context): 'events' must be a mapping of vendor event → type or rule", at: events.location)
            }
        }
        r.finish()
        return MappingNormalizer(provider: provider, eventName: eventName, exact: exact, prefixes: prefixes,
                                 unknown: EventRule(type: .fixed(.unknown), fields: common, sessionKind: kind))
    }

    private static func decodeRule(_ node: ConfigNode, common: FieldSet, kind: MeetingEvent.SessionKind,
                                   context: String, diagnostics: ConfigDiagnostics) -> EventRule? {
        if node.scalar != nil {
            guard let t = decodeType(node, context: context, diagnostics: diagnostics) else { return nil }
            return EventRule(type: t, fields: common, sessionKind: kind)
        }
        var r = ConfigReader(node, context: context, diagnostics: diagnostics)
        let typeNode = r.node("type")
        let kinds = MeetingEvent.SessionKind.allCases.map(\.rawValue)
        let k = MeetingEvent.SessionKind(rawValue: r.choice("session_kind", of: kinds, default: kind.rawValue)) ?? kind
        let fields = r.node("fields").map { FieldSet.decode($0, context: "\(context) fields", diagnostics: diagnostics) } ?? FieldSet()
        r.finish()
        guard let typeNode else {
            diagnostics.error("\(context): missing required key 'type'", at: node.location)
            return nil
        }
        guard let t = decodeType(typeNode, context: "\(context) key 'type'", diagnostics: diagnostics) else { return nil }
        return EventRule(type: t, fields: common.merging(fields), sessionKind: k)
    }

    /// A scalar is a constant type; a mapping is an expression whose `map` values (and `default`)
    /// must all be types from the vocabulary, checked here rather than per request.
    private static func decodeType(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> TypeRule? {
        if let s = node.scalar {
            guard let t = EventType(rawValue: s) else {
                diagnostics.error("\(context): '\(s)' is not an event type\(ConfigReader.suggestion(for: s, in: EventType.vocabulary))",
                                  at: node.location)
                return nil
            }
            return .fixed(t)
        }
        guard case .mapping = node.value else {
            diagnostics.error("\(context) must be an event type or an expression with 'map'", at: node.location)
            return nil
        }
        var ok = true
        func check(_ n: ConfigNode) {
            guard let s = n.scalar, EventType(rawValue: s) != nil else {
                ok = false
                let s = n.scalar ?? n.kindDescription
                diagnostics.error("\(context): '\(s)' is not an event type\(ConfigReader.suggestion(for: s, in: EventType.vocabulary))",
                                  at: n.location)
                return
            }
        }
        if case .mapping(let pairs)? = node["map"]?.value { for (_, v) in pairs { check(v) } }
        if let d = node["default"] { check(d) }
        guard let e = MappingExpression.decode(node, context: context, diagnostics: diagnostics), ok else { return nil }
        return .computed(e)
    }
}
