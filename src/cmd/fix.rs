//! `carnet fix`: repairs the encoding of guides on disk (`fix`).

use crate::cli::FixArgs;
use crate::error::Result;
use crate::fix::{self, FixOptions};
use crate::report::Reporter;

pub(super) fn run(args: &FixArgs, reporter: &Reporter) -> Result<u8> {
    let options = FixOptions {
        paths: args.paths.clone(),
        root: args.root.clone(),
        write: args.write,
        backup: args.backup,
        check: args.check,
    };
    fix::run(&options, reporter)
}
