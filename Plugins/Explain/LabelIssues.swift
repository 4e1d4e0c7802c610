import GateKit
import ModelRuns
import Training

/// Which new labels look wrong: out-of-fold class probabilities from the training core (k
/// folds by row content, seeded), then confident learning (`ConfidentLearning`, as cleanlab's
/// `find_label_issues(filter_by="confident_learning")`) over the pool, reported for the rows
/// the PR added (every row when there is no baseline).
///
/// The pool is head's labelled training rows, at most `maxRows` of them: the added rows first,
/// then the others, each chosen by row content, so the pool does not move when unrelated rows do.
struct LabelIssues {
    struct Issue {
        let row: Int
        let given: String
        let suggested: String
        let probability: Double
    }

    let issues: [Issue]
    /// Added labelled rows examined (those in the pool).
    let examined: Int
    let addedOnly: Bool
    let poolRows: Int
    let folds: Int

    enum Skip: Error { case because(String) }

    init(task: LearningTask, train: Table, added: [Int]?, keys: [UInt64], spec: ModelSpec, policy: ExplainPolicy.LabelIssues,
         seed: UInt64, jobs: Int) throws(Skip) {
        guard task.kind != .regression else { throw .because("label issues need class probabilities, and a regression task has none") }
        guard let labelled = task.labelled(train), !labelled.rows.isEmpty else { throw .because("no training row has a label") }
        let salt = Mixing.mix64(seed ^ 0x1ABE_15)
        let isAdded: [Bool] = {
            guard let added else { return Array(repeating: true, count: train.rowCount) }
            var flags = [Bool](repeating: false, count: train.rowCount)
            for r in added { flags[r] = true }
            return flags
        }()
        // The pool: labelled rows, added ones first, each group in order of its seeded content key.
        let ranked = labelled.rows.indices.sorted { a, b in
            let ra = labelled.rows[a], rb = labelled.rows[b]
            return (isAdded[ra] ? 0 : 1, Mixing.mix64(keys[ra] ^ salt), ra) < (isAdded[rb] ? 0 : 1, Mixing.mix64(keys[rb] ^ salt), rb)
        }
        let pool = Array(ranked.prefix(policy.maxRows)).sorted()   // positions in `labelled`, in row order
        let k = policy.folds
        guard pool.count >= 2 * k else { throw .because("\(pool.count) labelled rows are fewer than two per fold (\(k) folds)") }
        let examinedCount = pool.filter { isAdded[labelled.rows[$0]] }.count
        guard examinedCount > 0 else { throw .because("the PR adds no labelled training rows") }

        let classes = task.kind == .binary ? [Self.negativeName(task, train), task.positive ?? "positive"] : task.classes
        let width = classes.count
        let labels = pool.map { task.kind == .binary ? (labelled.binary[$0] ? 1 : 0) : labelled.classes[$0] }
        let fold = pool.map { Int(Mixing.mix64(keys[labelled.rows[$0]] ^ salt ^ 0xF01D) % UInt64(k)) }
        var probabilities = [Double](repeating: 0, count: pool.count * width)
        var fitSpec = spec
        fitSpec.sampleRows = nil
        for f in 0..<k {
            let inFold = pool.indices.filter { fold[$0] == f }
            guard !inFold.isEmpty else { continue }
            let trainRows = pool.indices.filter { fold[$0] != f }.map { labelled.rows[pool[$0]] }
            let model: TrainedModel
            do { model = try TrainedModel.train(task, on: train.rows(trainRows), spec: fitSpec, seed: seed, jobs: jobs) }
            catch { throw .because("an out-of-fold model could not be trained (fold \(f + 1) of \(k)): \(error.description)") }
            let scores = model.scores(train.rows(inFold.map { labelled.rows[pool[$0]] }), jobs: jobs)
            for (j, i) in inFold.enumerated() {
                if task.kind == .binary {
                    probabilities[i * 2] = 1 - scores[j]
                    probabilities[i * 2 + 1] = scores[j]
                } else {
                    for c in 0..<width { probabilities[i * width + c] = scores[j * width + c] }
                }
            }
        }
        let found = ConfidentLearning(labels: labels, probabilities: probabilities, classes: width)
        var issues: [Issue] = []
        for (i, position) in pool.enumerated() where found.issues[i] && isAdded[labelled.rows[position]] {
            let suggested = found.confidentClass[i]
            issues.append(Issue(row: labelled.rows[position], given: classes[labels[i]], suggested: classes[suggested],
                                probability: probabilities[i * width + suggested]))
        }
        self.issues = issues
        examined = examinedCount
        addedOnly = added != nil
        poolRows = pool.count
        folds = k
    }

    /// The negative class's name: the target's one other value, or "not POSITIVE".
    static func negativeName(_ task: LearningTask, _ train: Table) -> String {
        let positive = task.positive ?? "positive"
        guard let column = train.column(task.target) else { return "not \(positive)" }
        let others = CategoricalProfile(column: column).counts.map(\.level).filter { $0 != positive }
        return others.count == 1 ? others[0] : "not \(positive)"
    }

    var fraction: Double { examined == 0 ? 0 : Double(issues.count) / Double(examined) }

    func check(path: String, label: String, policy: ExplainPolicy.LabelIssues, examples: Int, strict: Bool) -> CheckResult {
        var message = "\(issues.count) of \(examined) labelled rows \(addedOnly ? "the PR added or edited in" : "of") \(path) have a label that looks wrong "
            + "(\(NumberText.percent(fraction)); confident learning on \(folds)-fold out-of-fold probabilities over \(poolRows) rows)"
        let shown = issues.prefix(examples).map { "line \($0.row + 2): \($0.given), the models say \($0.suggested) (\(NumberText.percent($0.probability)))" }
        if !shown.isEmpty { message += ": " + shown.joined(separator: "; ") }
        if let max = policy.maxFraction { message += "; allowed: \(NumberText.percent(max))" }
        let details: [(String, JSONValue)] = [
            ("file", .string(path)), ("examined", .number(Double(examined))), ("issues", .number(Double(issues.count))),
            ("fraction", .number(fraction)), ("pool_rows", .number(Double(poolRows))), ("folds", .number(Double(folds))),
            ("added_only", .bool(addedOnly)),
            ("rows", .array(issues.prefix(100).map { issue in
                .object([("line", .number(Double(issue.row + 2))), ("file", .string(label)), ("given", .string(issue.given)),
                         ("suggested", .string(issue.suggested)), ("probability", .number(issue.probability))])
            })),
        ]
        let result = CheckResult(id: "explain/label-issues", status: .pass, title: "Labels that look wrong", message: message,
                                 metric: "label_issue_fraction", value: fraction, threshold: policy.maxFraction, details: .object(details))
        guard let max = policy.maxFraction else { return result }
        var judged = result.judged(fraction, against: .atMost(max), baseline: nil, strict: strict)
        if judged.status == .fail { judged.message += ". Check those rows' labels before merging" }
        return judged
    }
}
