//! `carnet serve`: the live preview (`serve`).

use crate::cli::ServeArgs;
use crate::error::Result;
use crate::report::Reporter;
use crate::serve::{self, ServeOptions};

pub(super) fn run(args: &ServeArgs, reporter: &Reporter) -> Result<u8> {
    let options = ServeOptions {
        root: args.root.clone(),
        bind: args.bind,
        port: args.port,
        open: args.open,
        poll: args.poll,
    };
    serve::run(&options, reporter)
}
