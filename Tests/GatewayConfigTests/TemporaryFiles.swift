// Temporary files for tests that need a real path (config files, secret files, TLS files).

import Foundation

/// Writes `contents` to a fresh file under the system temporary directory and returns its path.
func temporaryFile(_ contents: String, name: String = "file.yaml") throws -> String {
    let dir = try temporaryDirectory()
    let path = dir + "/" + name
    try contents.write(toFile: path, atomically: false, encoding: .utf8)
    return path
}

/// A fresh empty directory under the system temporary directory.
func temporaryDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "gateway-config-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}
