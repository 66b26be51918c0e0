/// The known name a misspelt one most likely meant: the closest by edit
/// distance (insertions, deletions, substitutions and swaps of neighbours),
/// if it is close enough to be a slip — at most a third of the longer name's
/// letters, and at most 3 — else nil.
public func nearestName(_ word: String, among names: [String]) -> String? {
    let w = Array(word.lowercased())
    var best: (name: String, distance: Int)?
    for name in names {
        let n = Array(name.lowercased())
        let distance = editDistance(w, n)
        let limit = min(3, max(1, max(w.count, n.count) / 3))
        if distance <= limit, distance < (best?.distance ?? .max) { best = (name, distance) }
    }
    return best?.name
}

/// Optimal string alignment distance.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
        }
    }
    return d[a.count][b.count]
}

/// "unknown option 'polcy' (did you mean 'policy'?)", or without the suggestion.
public func unknownOptionMessage(_ key: String, known: [String]) -> String {
    let hint = nearestName(key, among: known).map { " (did you mean '\($0)'?)" } ?? ""
    return "unknown option '\(key)'\(hint)"
}
