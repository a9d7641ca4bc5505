//! Tests of the `kubectl-imagepolicy` binary, one module per area.

#[path = "../support/cases.rs"]
mod cases;
mod completion;
mod conformance;
mod dist;
mod errors;
mod explain;
mod krew;
mod kubectl;
mod util;
