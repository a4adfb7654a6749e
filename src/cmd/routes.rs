//! `carnet routes`: the routes and headers of render.yaml (`site::render_yaml`).

use crate::cli::RoutesArgs;
use crate::error::Result;
use crate::report::Reporter;
use crate::site::render_yaml;

pub(super) fn run(args: &RoutesArgs, reporter: &Reporter) -> Result<u8> {
    render_yaml::run(args, reporter)
}
