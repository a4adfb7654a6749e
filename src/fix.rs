//! `carnet fix`: repair the encoding of source files (placeholder, written in issue 3).

use crate::cli::FixArgs;
use crate::error::{Error, Result};
use crate::report::Reporter;

pub fn run(_args: &FixArgs, _reporter: &Reporter) -> Result<u8> {
    Err(Error::Usage("carnet fix is not available yet".into()))
}
