import FlipLua
import LuaHost

/// The one place a script's Lua state is made: the engine installed with the
/// run's settings and the stdlib, then the sandbox's Lua-level rules when asked.
public enum ScriptVM {
    public static func make(settings: Flipside.RunSettings, stdlib: String?, sandbox: LuaSandbox?) throws -> LuaVM {
        let vm = try LuaVM()
        Flipside.install(in: vm, settings: settings, stdlib: stdlib)
        if let sandbox { vm.applySandbox(sandbox) }
        return vm
    }
}
