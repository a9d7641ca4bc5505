//! Tests of the `kubectl-imagepolicy` binary, one module per area.

mod conformance;
mod errors;
mod explain;
mod util;
