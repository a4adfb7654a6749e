//! Integration tests: build fixture sites in temporary folders with the real `carnet` binary and
//! check what a reader or an author would see (HTML, files, messages, exit codes).

mod build;
mod check;
mod crawl;
mod escaping;
mod fixture;
mod hardening;
#[cfg(feature = "serve")]
mod hostile;
mod links;
mod pages;
mod search;
#[cfg(feature = "serve")]
mod serve;
