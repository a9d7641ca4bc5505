//! Tests of the `kubectl-imagepolicy` binary, one module per area.

#[path = "../support/cases.rs"]
mod cases;
mod conformance;
mod errors;
mod explain;
mod lint;
mod util;
