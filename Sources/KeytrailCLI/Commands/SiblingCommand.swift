import KeytrailQuery

/// `keytrail info|events|ips|resources`: the siblings of GetAccessKeyLastUsedProducts.
enum SiblingCommand {
    static func run(_ action: APIAction, _ args: [String]) throws(CLIError) -> Int32 {
        let listing = action.listing != nil
        let a = try Arguments(args, command: CommandTable.command(action))
        let options = try QueryOptions(a)
        let command = action.command
        guard a.positionals.count == 1 else {
            throw .usage(a.positionals.isEmpty ? "\(command) needs ACCESS_KEY" : "\(command) takes one ACCESS_KEY")
        }
        var parameters = ["AccessKey": a.positionals[0]]
        if listing {
            guard let service = a.value("service") else { throw .usage("\(command) needs --service S") }
            parameters["ServiceName"] = service
            parameters["PageSize"] = a.value("page-size")
            parameters["NextToken"] = a.value("next-token")
        }
        if let status = try QueryOptions.rejectKey(parameters["AccessKey"]!) { return status }
        return try QueryOptions.print(try options.service().answer(action, parameters, requestId: RequestID.make()))
    }
}
