use clap::Parser;

/// glibc's allocator either contends on a few shared arenas or, uncapped, keeps one per
/// thread and lets resident memory drift far past the working set under load;
/// mimalloc keeps both throughput and footprint steady.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts");
    let cli = portico::cli::Cli::parse();
    std::process::exit(runtime.block_on(portico::cli::run(cli)));
}
