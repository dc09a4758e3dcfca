// webhook-gateway: the command-line entry point. Everything lives in GatewayRuntime so that tests
// can run the same commands in-process.

import GatewayRuntime

#if canImport(Glibc)
import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
// Before anything else: it may replace this process image (see MallocCache).
if arguments.first == "serve" { MallocCache.enlargeByReexecuting() }
let code = CLI.run(arguments)
exit(code.rawValue)
