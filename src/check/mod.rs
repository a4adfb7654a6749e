//! `carnet check`: everything the build validates, without writing output.

pub mod external;
