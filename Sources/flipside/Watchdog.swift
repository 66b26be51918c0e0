import LuaHost

/// The watchdog behind a command's time limit: a run the count hook cannot
/// stop ends, with the process, this many seconds after its limit.
enum Watchdog {
    static let grace = 3.0

    static func enable(for timeLimit: Double?) {
        if timeLimit != nil { LuaVM.enableWatchdog(graceSeconds: grace) }
    }
}
