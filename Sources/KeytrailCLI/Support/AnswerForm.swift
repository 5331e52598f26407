import KeytrailQuery
import KeytrailScan

/// How a query command prints: `--format` and `--wide`, and the table's width.
struct AnswerForm {
    var format: Format
    /// The width tables fit; nil with `--wide` (every column, whole cells).
    var width: Int?
    /// `--explain` (the five operations only): each row says where its event was read (the
    /// answers carry it, `APIService.explained`).
    var explain = false

    init(_ a: Arguments, default first: Format) throws(CLIError) {
        // The parser has checked the value against the declared choices.
        format = a.value("format").flatMap(Format.init(rawValue:)) ?? first
        width = a.flag("wide") ? nil : Output.columns(1)
    }

    /// Prints one key's answer in the chosen form (JSON: the API's pretty body).
    func print(_ answer: Answer, requestId: String) throws(CLIError) {
        switch format {
        case .json: try Output.out(answer.json(requestId: requestId, pretty: true, explain: explain))
        case .ndjson: try Output.write(1, answer.rowsJSON(explain: explain).map { $0 + "\n" }.joined())
        case .table: try Output.out(sheet(answer, tabled: true))
        case .csv: try Output.out(sheet(answer, tabled: false))
        }
    }

    /// The table (`tabled`) or CSV form of one answer.
    private func sheet(_ answer: Answer, tabled: Bool) -> String {
        func form<Row>(_ s: Sheet<Row>) -> String { tabled ? s.table(width: width) : s.csv() }
        switch answer {
        case .products(let a):
            return form(
                Sheets.products(
                    Sheets.rows(a), keyed: false, explain: explain,
                    footer: "\(a.products.count) service(s) used by \(a.accessKey) \(Sheets.window(a.window))"))
        case .info(let a):
            return form(
                Sheets.info(
                    [a], explain: explain,
                    footer: a.latest == nil
                        ? "no call by \(a.accessKey) \(Sheets.window(a.window))"
                        : "the latest call by \(a.accessKey) \(Sheets.window(a.window))"))
        case .listing(let a):
            let more = a.nextToken.isEmpty ? "" : "; more: --next-token \(a.nextToken) (or --all)"
            return form(
                Sheets.listing(
                    a, explain: explain,
                    footer: "\(a.rows.count) \(a.listing.rawValue) row(s) of \(a.service) for \(a.accessKey) "
                        + Sheets.window(a.window) + more))
        }
    }

    /// The table or CSV of a `--keys-from` list's answers (products or info).
    func printBatch(_ action: APIAction, _ answers: [Answer], window: Window) throws(CLIError) {
        func form<Row>(_ s: Sheet<Row>) -> String { format == .table ? s.table(width: width) : s.csv() }
        var products: [Sheets.ProductRow] = []
        var infos: [InfoAnswer] = []
        for answer in answers {
            switch answer {
            case .products(let a): products += a.products.isEmpty ? [(a.accessKey, nil)] : Sheets.rows(a)
            case .info(let a): infos.append(a)
            case .listing: preconditionFailure("--keys-from answers products and info only")
            }
        }
        let footer = "\(answers.count) key(s) \(Sheets.window(window))"
        try Output.out(
            action == .products
                ? form(Sheets.products(products, keyed: true, explain: explain, footer: footer))
                : form(Sheets.info(infos, explain: explain, footer: footer)))
    }

    /// A key's answer that is an error: JSON and NDJSON print its body (exit 1), a table or CSV
    /// nothing; the message goes to stderr. A refused as-of prints nothing on stdout (exit 2).
    func refuse(_ error: QueryError, key: String, requestId: String) throws(CLIError) -> Int32 {
        switch error {
        case .api(let e):
            if format == .json {
                try Output.out(e.body(requestId: requestId, pretty: true))
            } else if format == .ndjson {
                try Output.out(e.body(requestId: requestId, accessKeyId: key, pretty: false))
            }
            try Output.error("\(e.code): \(e.detail)")
            return 1
        case .asOfRefused(let r):
            try Output.error(r.description)
            return 2
        case .index, .malformedLine:
            throw .failure(error.description)
        }
    }
}
