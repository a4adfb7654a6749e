//! Building the site (being written).

use crate::cli::BuildArgs;
use crate::error::{Error, Result};
use crate::report::Reporter;

pub fn build_command(_args: &BuildArgs, _reporter: &Reporter) -> Result<u8> {
    Err(Error::Usage("not yet".into()))
}
