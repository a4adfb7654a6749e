//! `carnet init`: starts a documentation repository (`init`).

use crate::cli::InitArgs;
use crate::error::Result;
use crate::init;
use crate::report::Reporter;

pub(super) fn run(args: &InitArgs, reporter: &Reporter) -> Result<u8> {
    init::run(&args.dir, reporter)
}
