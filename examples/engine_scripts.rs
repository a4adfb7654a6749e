//! Writes the default theme's search engine as the two classic scripts carnet squeezes itself
//! (`search::squeezed_scripts`), for `scripts/minify-engine.sh` to give terser.
//!
//! Usage: cargo run --example engine_scripts -- OUT_DIR

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(std::env::args().nth(1).expect("usage: engine_scripts OUT_DIR"));
    let source = include_str!("../themes/default/static/assets/search-engine.mjs");
    let (engine, on_demand) = carnet::search::squeezed_scripts(source);
    std::fs::write(out.join("search-engine.js"), engine)?;
    std::fs::write(
        out.join("search-on-demand.js"),
        on_demand.expect("the default engine has a part on demand"),
    )
}
