use clap::Parser;

fn main() {
    limit_malloc_arenas();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts");
    let cli = portico::cli::Cli::parse();
    std::process::exit(runtime.block_on(portico::cli::run(cli)));
}

/// glibc gives each thread that allocates its own arena and keeps freed memory there;
/// with the runtime's, SQLite's and the hashing threads that grows resident memory far
/// past what is in use. Two arenas keep the footprint near the working set.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator tuning; it is called before any other
    // thread exists, and an unsupported value is ignored by glibc (returns 0).
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
