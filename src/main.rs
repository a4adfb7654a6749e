use std::process::ExitCode;

use clap::Parser;

/// mimalloc: the build allocates many short strings on every thread; glibc's allocator spent a
/// sixth of a 10,000-guide build in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match carnet::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version on stdout with exit 0, usage errors on stderr with 2.
            let _ = err.print();
            return ExitCode::from(err.exit_code().clamp(0, 255) as u8);
        }
    };
    ExitCode::from(carnet::run(cli))
}
