//! `carnet check`: validates the site without writing it (`check`).

use crate::check::{self, CheckOptions, Format};
use crate::cli::{self, CheckArgs};
use crate::error::Result;
use crate::report::Reporter;

pub(super) fn run(args: &CheckArgs, reporter: &Reporter) -> Result<u8> {
    let options = CheckOptions {
        root: args.root.clone(),
        strict: args.strict,
        format: match args.format {
            cli::Format::Text => Format::Text,
            cli::Format::Json => Format::Json,
        },
        external: args.external,
        broken_links: args.broken_links.map(Into::into),
    };
    check::run(&options, reporter)
}
