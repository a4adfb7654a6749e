//! Integration tests: build fixture sites in temporary folders with the real `carnet` binary and
//! check what a reader or an author would see (HTML, files, messages, exit codes).

mod app_repository;
mod architecture;
mod build;
#[cfg(feature = "serve")]
mod canary;
mod check;
mod corpus;
mod crawl;
mod escaping;
mod examples;
mod external_media;
mod fixture;
mod forge;
mod front_matter;
mod hardening;
mod history;
#[cfg(feature = "serve")]
mod hostile;
mod init;
mod links;
mod messages;
#[cfg(unix)]
mod output;
mod pages;
mod publish;
mod publish_rule;
mod real;
mod real_forge;
mod real_mojibake;
mod real_repositories;
#[cfg(unix)]
mod render_build;
mod search;
#[cfg(feature = "serve")]
mod serve;
/// The static file server of the browser tests: a plain host, or one like a CDN.
#[path = "../browser/server.rs"]
#[allow(dead_code)]
mod static_host;
mod structure;
mod test_script;
