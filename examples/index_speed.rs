//! Times the search index alone (`search::build_index`) on a folder of guides, in process, so
//! that a change to the indexer can be measured without the rest of the build around it.
//!
//! Usage: cargo run --release --example index_speed -- CONTENT_DIR [RUNS]
//! Prints each run's time and the fastest (runs on a busy machine vary; the fastest is the
//! figure to compare).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use carnet::markdown::{NoLinks, Renderer};

/// The allocator of the `carnet` binary (`src/main.rs`), so that the figures are the build's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use carnet::search::{build_index, PageInput};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: index_speed CONTENT_DIR [RUNS]"));
    let runs: usize = args.next().map_or(5, |n| n.parse().expect("RUNS is a number"));
    let renderer = Renderer::for_one_build();
    let mut guides = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.expect("readable folder");
        if entry.path().extension().is_some_and(|e| e == "md") {
            let raw = std::fs::read_to_string(entry.path()).expect("UTF-8 guide");
            let text = carnet::content::repair::repair(&raw).0.into_owned();
            let outline = renderer.outline_with(&text, &mut NoLinks);
            let url = entry.path().strip_prefix(&dir).unwrap_or(entry.path()).display().to_string();
            guides.push((
                outline.title.unwrap_or_default(),
                url,
                outline.headings,
                Arc::new(outline.sections),
            ));
        }
    }
    let mut best = f64::MAX;
    for run in 0..runs {
        let pages = guides
            .iter()
            .map(|(title, url, headings, sections)| PageInput {
                title,
                url,
                headings,
                sections: Arc::clone(sections),
            })
            .collect();
        let started = Instant::now();
        let index = build_index(pages);
        let seconds = started.elapsed().as_secs_f64();
        best = best.min(seconds);
        let bundle_bytes: usize = index.bundles.iter().map(String::len).sum();
        println!(
            "run {run}: {:.0} ms, {} terms, page bundles {bundle_bytes} B",
            seconds * 1000.0,
            index.terms.len()
        );
    }
    println!("{} guides, fastest: {:.0} ms", guides.len(), best * 1000.0);
}
