import CLua

/// Lua's basic type tags, for code that does not import CLua.
public let LUA_NIL_TYPE = LUA_TNIL
public let LUA_BOOLEAN_TYPE = LUA_TBOOLEAN
public let LUA_NUMBER_TYPE = LUA_TNUMBER
public let LUA_STRING_TYPE = LUA_TSTRING
public let LUA_TABLE_TYPE = LUA_TTABLE
public let LUA_FUNCTION_TYPE = LUA_TFUNCTION
public let LUA_USERDATA_TYPE = LUA_TUSERDATA
