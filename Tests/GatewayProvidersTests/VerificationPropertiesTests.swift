// Properties every scheme shares: sign() then verify() round-trips, key rotation, failures that
// never reveal secrets or signatures, and a timing of the Svix W1 case.

import GatewayCore
import GatewayProviders
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A secret each scheme can decode (base64-whsec needs base64).
private func secret(for name: String) -> String {
    name == "svix" ? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" : "s3cret-\(name)-value"
}

@Suite struct VerificationPropertiesTests {
    private let body = Array(#"{"event":"bot.done","data":{"bot":{"id":"b1"}}}"#.utf8)
    private let now = Timestamp(milliseconds: 1_731_705_121_123)

    @Test(arguments: VerifyYAML.all)
    func signedRequestsVerify(_ name: String, _ yaml: String) throws {
        let scheme = try decodeScheme(yaml)
        let headers = scheme.sign(body: body, secret: Secret(secret(for: name)), timestamp: now, messageID: "msg_roundtrip")
        #expect(!headers.isEmpty)
        let hook = webhook(headers.fields.map { ($0.name, $0.value) }, body)
        #expect(failure(scheme, hook, secrets: [secret(for: name)], now: now) == nil)
        // A different secret, and a changed body, must both fail (the token scheme ignores the body).
        #expect(failure(scheme, hook, secrets: [name == "svix" ? "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" : "other"], now: now)?.isMismatch == true)
        if name != "token" {
            #expect(failure(scheme, webhook(headers.fields.map { ($0.name, $0.value) }, body + [0x20]), secrets: [secret(for: name)], now: now)?.isMismatch == true)
        }
    }

    @Test(arguments: VerifyYAML.all)
    func secondRotatedSecretVerifies(_ name: String, _ yaml: String) throws {
        let scheme = try decodeScheme(yaml)
        let headers = scheme.sign(body: body, secret: Secret(secret(for: name)), timestamp: now, messageID: "msg_rot")
        let hook = webhook(headers.fields.map { ($0.name, $0.value) }, body)
        let old = name == "svix" ? "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" : "old-secret"
        #expect(failure(scheme, hook, secrets: [old, secret(for: name)], now: now) == nil)
    }

    @Test(arguments: VerifyYAML.all)
    func failureDescriptionsNeverContainSecretsOrSignatures(_ name: String, _ yaml: String) throws {
        let scheme = try decodeScheme(yaml)
        let signer = secret(for: name)
        let headers = scheme.sign(body: body, secret: Secret(signer), timestamp: now, messageID: "msg_secret")
        let verifier = name == "svix" ? "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" : "verifier-secret-xyz"
        var failures: [VerificationFailure] = []
        let hooks = [
            webhook(headers.fields.map { ($0.name, $0.value) }, body),                                   // wrong secret
            webhook(headers.fields.map { ($0.name, $0.value + "x") }, body),                             // mangled values
            webhook(headers.fields.map { ($0.name, String($0.value.dropFirst(3))) }, body),              // truncated values
        ]
        for hook in hooks {
            let context = VerificationContext(secrets: [Secret(verifier, origin: "env:SRC_SECRET")], now: now)
            do throws(VerificationFailure) { try scheme.verify(hook, context: context) } catch { failures.append(error) }
        }
        #expect(failures.count == hooks.count)
        let texts = failures.map(\.description) + failures.map { "\($0)" } + failures.map { String(reflecting: $0) }
        let forbidden = [signer, verifier, String(verifier.dropFirst(6))] + headers.fields.map(\.value).filter { $0.count >= 8 }
        for text in texts {
            for value in forbidden {
                #expect(!text.contains(value), "\(name): '\(text)' reveals a secret or signature")
            }
        }
    }

    @Test func oneSchemeVerifiesConcurrentlyWithRotatedSecrets() async throws {
        // The prepared-key cache is shared by every connection thread: exercise it from many tasks
        // with secrets appearing in different orders.
        let scheme = try decodeScheme(VerifyYAML.retell)
        let body = self.body, now = self.now
        let headers = scheme.sign(body: body, secret: Secret("current"), timestamp: now, messageID: "")
        let hook = webhook(headers.fields.map { ($0.name, $0.value) }, body)
        let outcomes = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var passed = 0
                    for i in 0..<200 {
                        let secrets = (i + task) % 2 == 0 ? ["old-\(task)", "current"] : ["current", "old-\(task)"]
                        if failure(scheme, hook, secrets: secrets, now: now) == nil { passed += 1 }
                    }
                    return passed
                }
            }
            return await group.reduce(0, +)
        }
        #expect(outcomes == 8 * 200)
    }

    @Test func svixVerifyTimingForTheW1Case() throws {
        // W1: a Recall bot.done webhook, one secret. Prints µs/op; no wall-time assertion.
        let scheme = try decodeScheme(VerifyYAML.svix)
        let body = Array(#"{"event":"bot.done","data":{"data":{"code":"done","sub_code":null,"updated_at":"2024-11-15T21:12:01.000000Z"},"bot":{"id":"3be05ff8-87cd-4c40-8b54-ee2636abb4f3","metadata":{}}}}"#.utf8)
        let hook = webhook([("webhook-id", "msg_loFOjxBNrRLzqYUf"), ("webhook-timestamp", "1731705121"),
                            ("webhook-signature", "v1,Ybu910lszbG9TmJDIfm9Kp/aapMJbaEdD22MPoNobyw=")], body)
        let context = VerificationContext(secrets: [Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")], now: Timestamp(seconds: 1_731_705_121))
        let iterations = 5_000
        var passed = 0
        func clock() -> Double { var t = timespec(); clock_gettime(CLOCK_MONOTONIC, &t); return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9 }
        let start = clock()
        for _ in 0..<iterations {
            do throws(VerificationFailure) { try scheme.verify(hook, context: context); passed += 1 } catch {}
        }
        let perOp = (clock() - start) / Double(iterations) * 1e6
        print("svix verify (W1, \(body.count) B body): \((perOp * 100).rounded() / 100) µs/op")
        #expect(passed == iterations)
    }
}
