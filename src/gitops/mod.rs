//! A GitOps checkout as image-automation-controller reads it: the one reader
//! behind `mark`, `diff --source` and `lint --source`, so the three can never
//! disagree (docs/markers.md states each rule with the controller's source).
//!
//! - [`tree`]: which files the controller reads under a path (its walk, its
//!   names, its symlink rule), and whether it can parse each one
//!   ([`readable`]: kyaml's reader refuses some YAML that is valid);
//! - [`markers`]: which comments are setter markers — the comment go-yaml v3
//!   attaches to a scalar value, read as kyaml reads it — and why any other
//!   `$imagepolicy` comment is ignored.

pub mod markers;
pub mod readable;
pub mod tree;

pub use markers::{Marker, MarkerField, MarkerTarget};
pub use tree::{File, Tree};
