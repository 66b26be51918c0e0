/// A hint that `address` will be read soon: the cache line starts loading
/// while the processor works on something else. It never faults and changes
/// no result, whatever the address.
///
/// Swift has no spelling for it; this binds LLVM's own prefetch intrinsic
/// (read, low temporal locality, data cache), which compiles to a single
/// instruction (prefetcht2 on x86-64, prfm on arm64).
@inline(__always)
func prefetch(_ address: UnsafeRawPointer) {
    llvmPrefetch(address, 0, 1, 1)
}

/// Prefetches every cache line of `bytes` bytes from `start` (a row of features).
@inline(__always)
func prefetch(_ start: UnsafeRawPointer, bytes: Int) {
    var offset = 0
    while offset < bytes {
        prefetch(start + offset)
        offset &+= 64
    }
    prefetch(start + bytes - 1)
}

@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cache: Int32)
