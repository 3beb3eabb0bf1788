// spctl: Spider's command line, over the host's Unix socket. CB-Spider's command shapes
// (`spctl vpc create -d '<json>'`, `spctl vm get -c <conn> -n <name>`) plus friendly flags.
import ArgumentParser
import Foundation

@main
struct Spctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spctl",
        abstract: "Spider's command line: one set of commands for every cloud, over spiderd's Unix socket.",
        discussion: """
            Every command takes CB-Spider's form (the REST request as JSON with -d) or friendly flags:
              spctl vpc create -c aws-ohio --name vpc-01 --cidr 10.0.0.0/16 \\
                --subnet subnet-01=10.0.1.0/24
              spctl vpc create -d @vpc.json     # {"ConnectionName":..,"ReqInfo":{..}}
              spctl vpc list -c aws-ohio -o json | jq .

            \(SpctlFailure.helpText)
            """,
        version: "0.1.0",
        subcommands: SpctlCommands.all)

    @OptionGroup var global: GlobalOptions
    // CB-Spider scripts may name the connection before the command (`spctl --cname c vm suspend -n vm-01`).
    @OptionGroup var connection: ConnectionOption

    /// Runs the command; failures print the host's message to stderr and exit with their class's code.
    static func main() {
        do {
            var command = try parseAsRoot(CBSpiderArguments.normalized(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let failure as SpctlFailure {
            Terminal.err("spctl: \(failure.description)\n")
            Foundation.exit(failure.code.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                Terminal.err(fullMessage(for: error) + "\n")
                Foundation.exit(SpctlFailure.Code.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
