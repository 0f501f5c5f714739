use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = portico::cli::Cli::parse();
    std::process::exit(portico::cli::run(cli).await);
}
