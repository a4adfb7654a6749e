//! carnet builds a French documentation site from a folder of Markdown guides.
//!
//! The pipeline, one module per stage:
//! 1. `content`: walk the content folder, read each guide, decode its bytes and repair mojibake
//!    (`content::repair`), cut off its front matter;
//! 2. `markdown`: render each guide to HTML (heading ids, callouts, highlighted code blocks);
//! 3. `site`: arrange guides into sections, link them, render them through the `theme`, and
//!    write the output into a staging folder swapped in only when everything succeeded.
//!
//! `check` reports what `site` finds without writing; `fix` drives `content::repair` over
//! source files; `serve` rebuilds on every change and refreshes open pages (the live preview,
//! cargo feature `serve`); `init` starts a documentation repository; `site::blueprint` keeps
//! the routes of its Render Blueprint in step with the site's redirects. `cli` (the arguments)
//! and `cmd` (one thin file per verb, `run`) are the command line, above everything else.

#![deny(unreachable_pub)]

pub mod check;
pub mod cli;
mod cmd;
pub mod config;
pub mod content;
pub mod error;
pub mod fix;
pub mod init;
pub mod markdown;
pub mod report;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod site;
pub mod slug;
pub mod theme;

pub use cmd::run;
