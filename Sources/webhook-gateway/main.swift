// webhook-gateway: the command-line entry point. Everything lives in GatewayRuntime so that tests
// can run the same commands in-process.

import GatewayRuntime

#if canImport(Glibc)
import Glibc
#endif

let code = CLI.run(Array(CommandLine.arguments.dropFirst()))
exit(code.rawValue)
