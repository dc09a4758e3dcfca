// Decoders of the built-in sink types' own keys. Each key is documented where it is read;
// docs/CONFIGURATION.md repeats them for users.

import GatewayCore
import GatewayHTTP
import GatewayTLS

extension SinkFactory {
    /// `stdout`: `format` (`text` | `json`, default `text`).
    public static let stdout = SinkFactory(type: "stdout") { r, ctx in
        let format = r.choice("format", of: StdoutSink.Format.allCases.map(\.rawValue), default: "text")
        return StdoutSink(name: ctx.name, format: StdoutSink.Format(rawValue: format) ?? .text)
    }

    /// `file`: `path` (required), `max_size` (rotate past this size, e.g. `100MiB`),
    /// `rotate_every` (rotate when a new period of this length starts, e.g. `24h`), `fsync`
    /// (default true: each batch of lines is fdatasynced before it counts as delivered).
    public static let file = SinkFactory(type: "file") { r, ctx in
        let path = r.required("path", as: String.self)
        if let path, path.isEmpty, let n = r.node("path") {
            r.diagnostics.error("\(r.context): 'path' must not be empty", at: n.location)
        }
        let maxSize = r.optional("max_size", as: ConfigByteSize.self)
        if let maxSize, maxSize.bytes <= 0, let n = r.node("max_size") {
            r.diagnostics.error("\(r.context): 'max_size' must be greater than 0", at: n.location)
        }
        let every = r.optional("rotate_every", as: ConfigDuration.self)
        if let every, every.seconds < 1, let n = r.node("rotate_every") {
            r.diagnostics.error("\(r.context): 'rotate_every' must be at least 1s", at: n.location)
        }
        let fsync = r.optional("fsync", default: true)
        guard let path, !path.isEmpty else { return nil }
        return FileSink(name: ctx.name, path: path,
                        rotation: FileRotation(maxSize: maxSize?.bytes, every: every?.seconds), fsync: fsync, clock: ctx.clock)
    }

    /// `http`: `url` (required, http or https), `headers` (map of extra request headers),
    /// `timeout` (whole exchange, default 10s), `secret` (`whsec_…` reference such as
    /// `${env:SINK_SECRET}`: Standard Webhooks signing; absent → unsigned, with a warning),
    /// `mode` (`structured` | `binary` | `data`, default `structured`), `tls: {ca_file}`
    /// (trust this CA instead of the system store).
    public static let http = SinkFactory(type: "http") { r, ctx in
        let context = r.context
        let diagnostics = r.diagnostics
        var url: HTTPURL?
        if let text = r.required("url", as: String.self), let n = r.node("url") {
            do throws(HTTPClientError) {
                url = try HTTPURL(parsing: text)
            } catch {
                diagnostics.error("\(context): 'url' is not a usable URL: \(error)", at: n.location)
            }
        }
        var headers = HeaderFields()
        if let n = r.node("headers"), !n.isNull {
            var hr = ConfigReader(n, context: "\(context) headers", diagnostics: diagnostics)
            for key in hr.keys {
                let lower = HeaderFields.lowercase(key)
                let valueNode = hr.node(key)
                if HTTPSink.reservedHeaders.contains(lower) {
                    diagnostics.error("\(context): header '\(key)' is set by the gateway and cannot be configured",
                                      at: valueNode?.location ?? n.location)
                    continue
                }
                guard key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x3A }) else {
                    diagnostics.error("\(context): '\(key)' is not a valid header name", at: valueNode?.location ?? n.location)
                    continue
                }
                if let valueNode, let v = String.decode(valueNode, context: "\(context) header '\(key)'", diagnostics: diagnostics) {
                    if v.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
                        diagnostics.error("\(context): header '\(key)' value must not contain line breaks", at: valueNode.location)
                    } else {
                        headers.add(key, v)
                    }
                }
            }
            hr.finish()
        }
        let timeout = r.optional("timeout", default: ConfigDuration(seconds: 10),
                                 in: ConfigDuration(seconds: 0.001)...ConfigDuration(seconds: 3600))
        let mode = HTTPSinkMode(rawValue: r.choice("mode", of: HTTPSinkMode.allCases.map(\.rawValue), default: "structured")) ?? .structured
        var signer: StandardWebhooksSigner?
        if let n = r.node("secret"), !n.isNull {
            switch diagnostics.secret(n, context: "\(context) secret") {
            case .present(let secret):
                do throws(StandardWebhooksSigner.KeyError) {
                    signer = try StandardWebhooksSigner(secret: secret)
                } catch {
                    diagnostics.error("\(context): 'secret' (\(secret.origin)): \(error)", at: n.location)
                }
            case .unsetVariable(let name):
                // Sending unsigned because a variable is missing would silently downgrade security.
                diagnostics.error("\(context): 'secret' refers to environment variable \(name), which is not set", at: n.location)
            case nil:
                break
            }
        } else {
            diagnostics.warning("\(context): no 'secret': requests will not be signed", at: r.location)
        }
        var tls: (any TLSClientContext)?
        var tlsFailed = false
        if let n = r.node("tls"), !n.isNull {
            var tr = ConfigReader(n, context: "\(context) tls", diagnostics: diagnostics)
            let caFile = tr.optional("ca_file", as: String.self)
            tr.finish()
            do throws(TLSContextError) {
                tls = try OpenSSLClientContext(caFile: caFile)
            } catch {
                diagnostics.error("\(context) tls: \(error)", at: n.location)
                tlsFailed = true
            }
        }
        guard let url, !tlsFailed else { return nil }
        if url.scheme == .https, tls == nil {
            do throws(TLSContextError) {
                tls = try OpenSSLClientContext()
            } catch {
                diagnostics.error("\(context): cannot set up TLS: \(error)", at: r.location)
                return nil
            }
        }
        let client = HTTPClient(configuration: HTTPClient.Configuration(
            connectTimeout: min(timeout.seconds, 10), responseTimeout: timeout.seconds,
            maxIdlePerOrigin: max(1, ctx.concurrency), tls: tls))
        return HTTPSink(
            name: ctx.name,
            configuration: HTTPSink.Configuration(url: url, headers: headers, mode: mode, signer: signer, onClientError: ctx.onClientError),
            client: client, clock: ctx.clock)
    }
}
