/// Which given labels are likely wrong, by confident learning (Northcutt, Jiang & Chuang,
/// "Confident Learning: Estimating Uncertainty in Dataset Labels", JAIR 2021), as
/// `cleanlab.filter.find_label_issues(labels, pred_probs, filter_by="confident_learning")`
/// decides it:
///
/// 1. each class's threshold is its mean self-confidence: the mean predicted probability of
///    class k over the rows labelled k (2 for a class no row has; at least 2e-6);
/// 2. a row is confidently of class j when its probability of j is at least j's threshold
///    (less 1e-6); of several such classes the most probable one counts, of none, the row is
///    not counted;
/// 3. rows counted off the diagonal of that confident joint (confidently of a class other than
///    their label) are issues, unless the label is the model's own prediction (within 1e-6).
///
/// The probabilities must be out-of-sample (out-of-fold) for the result to mean anything.
public struct ConfidentLearning: Sendable, Equatable {
    /// Per class, the mean self-confidence.
    public let thresholds: [Double]
    /// Per row, whether its label is likely wrong.
    public let issues: [Bool]
    /// Per row, the class it is confidently of (-1: none).
    public let confidentClass: [Int]
    /// counts[given][confident]: the confident joint (uncalibrated, diagonal as counted).
    public let joint: [[Int]]

    /// - Parameters:
    ///   - labels: class indices in 0..<classes.
    ///   - probabilities: row-major, `classes` per row.
    public init(labels: [Int], probabilities: [Double], classes k: Int) {
        let n = labels.count
        precondition(probabilities.count == n * k, "one probability per row and class")
        var sums = [Double](repeating: 0, count: k), counts = [Int](repeating: 0, count: k)
        for r in 0..<n {
            sums[labels[r]] += probabilities[r * k + labels[r]]
            counts[labels[r]] += 1
        }
        let thresholds = (0..<k).map { c in max(counts[c] > 0 ? sums[c] / Double(counts[c]) : 2, 2e-6) }
        var issues = [Bool](repeating: false, count: n)
        var confident = [Int](repeating: -1, count: n)
        var joint = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for r in 0..<n {
            let row = r * k
            var above = 0, firstAbove = -1, argmax = 0
            for c in 0..<k {
                let p = probabilities[row + c]
                if p >= thresholds[c] - 1e-6 {
                    above += 1
                    if firstAbove < 0 { firstAbove = c }
                }
                if p > probabilities[row + argmax] { argmax = c }
            }
            guard above > 0 else { continue }
            let guess = above > 1 ? argmax : firstAbove
            confident[r] = guess
            joint[labels[r]][guess] += 1
            guard guess != labels[r] else { continue }
            // Not an issue when the label is (within 1e-6) the model's own prediction.
            let given = labels[r]
            var predicted = 0, best = -Double.infinity
            for c in 0..<k {
                let p = probabilities[row + c] + (c == given ? 1e-6 : 0)
                if p > best { best = p; predicted = c }
            }
            issues[r] = predicted != given
        }
        self.thresholds = thresholds
        self.issues = issues
        self.confidentClass = confident
        self.joint = joint
    }
}
