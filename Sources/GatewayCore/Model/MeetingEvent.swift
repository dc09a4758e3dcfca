// The common meeting event, schema v1 (see schema/meeting-event.v1.json and docs/EVENT-SCHEMA.md):
// the one shape internal services consume, whatever the vendor.

public struct MeetingEvent: Sendable, Equatable {
    public static let schemaID = "urn:webhook-gateway:meeting-event:v1"

    /// Normalised type from the closed vocabulary, e.g. `session.completed`.
    public var type: EventType
    public var provider: String
    public var source: String
    public var providerEvent: String
    /// The vendor's delivery or event id when it has one (`webhook-id`, Reflector `event_id`).
    public var providerEventID: String?
    public var session: Session?
    public var status: Status?
    public var occurredAt: Timestamp?
    public var receivedAt: Timestamp
    public var participants: [Participant]?
    public var transcript: Transcript?
    public var media: Media?
    public var summary: Summary?
    public var analysis: JSONValue?
    /// The customer's pass-through object (Recall `bot.metadata`, Retell `metadata`).
    public var metadata: JSONValue? {
        get { passThroughMetadata?.value }
        set { passThroughMetadata = newValue.map(PassThroughJSON.init) }
    }
    /// `metadata` as it is kept: the payload's own text when the mapping copied it unchanged,
    /// which the envelope writes without building the value.
    public var passThroughMetadata: PassThroughJSON?
    /// Set when a late event arrives after the session reached a later state (it is still forwarded).
    public var stale: Bool?
    /// Vendor fields the schema has no place for but the mapping chose to keep.
    public var extensions: JSONObject?

    public init(type: EventType, provider: String, source: String, providerEvent: String, receivedAt: Timestamp) {
        self.type = type
        self.provider = provider
        self.source = source
        self.providerEvent = providerEvent
        self.receivedAt = receivedAt
    }

    public struct Session: Sendable, Equatable {
        public var id: String
        public var kind: SessionKind
        public init(id: String, kind: SessionKind) { self.id = id; self.kind = kind }
    }

    public enum SessionKind: String, Sendable, Equatable, CaseIterable {
        case bot, call, transcript, calendar
    }

    public struct Status: Sendable, Equatable {
        public var code: String?
        public var subCode: String?
        public var message: String?
        public init(code: String? = nil, subCode: String? = nil, message: String? = nil) {
            self.code = code; self.subCode = subCode; self.message = message
        }
    }

    public struct Participant: Sendable, Equatable {
        public var id: String?
        public var name: String?
        public var role: String?
        public init(id: String? = nil, name: String? = nil, role: String? = nil) {
            self.id = id; self.name = name; self.role = role
        }
    }

    public struct Transcript: Sendable, Equatable {
        public var text: String?
        public var segments: [Segment]?
        public var url: String?
        public var isFinal: Bool?
        public init(text: String? = nil, segments: [Segment]? = nil, url: String? = nil, isFinal: Bool? = nil) {
            self.text = text; self.segments = segments; self.url = url; self.isFinal = isFinal
        }

        public struct Segment: Sendable, Equatable {
            public var speaker: String?
            /// Seconds from the start of the recording.
            public var start: Double?
            public var end: Double?
            public var text: String
            public init(speaker: String? = nil, start: Double? = nil, end: Double? = nil, text: String) {
                self.speaker = speaker; self.start = start; self.end = end; self.text = text
            }
        }
    }

    public struct Media: Sendable, Equatable {
        public var videoURL: String?
        public var audioURL: String?
        public var recordingURL: String?
        public init(videoURL: String? = nil, audioURL: String? = nil, recordingURL: String? = nil) {
            self.videoURL = videoURL; self.audioURL = audioURL; self.recordingURL = recordingURL
        }
    }

    public struct Summary: Sendable, Equatable {
        public var short: String?
        public var long: String?
        public init(short: String? = nil, long: String? = nil) { self.short = short; self.long = long }
    }
}

/// The closed vocabulary of normalised event types (EVENT-SCHEMA.md). A type outside it is a
/// configuration error in a provider file, never something a payload can create.
public struct EventType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    /// Its index in `vocabulary`. Types are compared and hashed by it, and tables indexed by it
    /// (`SessionStateTracker`'s ranks): comparing the strings, which differ only after their
    /// shared prefix (`session.`), cost ~100 instructions each, several per webhook.
    public let ordinal: Int

    public init?(rawValue: String) {
        guard let i = EventType.ordinals[rawValue] else { return nil }
        self.rawValue = EventType.vocabulary[i]
        ordinal = i
    }
    private init(known: String) { self.init(rawValue: known)! }
    public var description: String { rawValue }

    public static func == (a: EventType, b: EventType) -> Bool { a.ordinal == b.ordinal }
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }

    public static let vocabulary: [String] = [
        "session.joining", "session.waiting", "session.joined", "session.recording", "session.paused",
        "session.ended", "session.completed", "session.failed",
        "recording.ready", "recording.failed", "transcript.ready", "transcript.failed",
        "transcript.segment", "transcript.partial", "analysis.ready",
        "participant.joined", "participant.left", "participant.updated",
        "chat.message", "call.inbound", "call.transfer", "calendar.updated",
        "provider.test", "provider.unknown",
    ]

    private static let ordinals = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })

    public static let unknown = EventType(known: "provider.unknown")
    public static let test = EventType(known: "provider.test")
}
