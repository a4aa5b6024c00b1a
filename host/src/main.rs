//! The `host` binary: parses flags and hands over to the library.

use clap::Parser;

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WASMLIT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        // A log line that cannot be written (stderr closed by whoever
        // started the server) is dropped; reporting that failure on the
        // same stderr would panic the thread that logged.
        .log_internal_errors(false)
        .init();
    let cli = host::cli::Cli::parse();
    match host::cli::main(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    }
}
