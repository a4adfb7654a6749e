//! The commands: one thin file per verb, turning its arguments (`cli`) into the typed options of
//! the library and calling it, then printing what it returned through the `Reporter`. Nothing
//! below this floor knows of clap; `site` knows of neither clap nor the reporter.

mod build;
mod check;
mod fix;
mod init;
mod routes;
#[cfg(feature = "serve")]
mod serve;

use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::report::Reporter;

/// Runs one command line; returns the process exit code (0 success, 1 failure, 2 usage error).
pub fn run(cli: Cli) -> u8 {
    let reporter = Reporter::new(cli.quiet, cli.verbose);
    let result = match cli.command {
        Command::Build(args) => build::run(&args, &reporter),
        Command::Check(args) => check::run(&args, &reporter.for_command("check")),
        Command::Fix(args) => fix::run(&args, &reporter),
        Command::Init(args) => init::run(&args, &reporter),
        Command::Routes(args) => routes::run(&args, &reporter),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(&args, &reporter.for_command("serve")),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            reporter.error(&err);
            match err {
                Error::Usage(_) => 2,
                _ => 1,
            }
        }
    }
}
