import Glibc
import KeytrailCLI

exit(KeytrailCommand.main(Array(CommandLine.arguments.dropFirst())))
