//! Tests of the `kubectl-imagepolicy` binary, one module per area.

#[path = "../support/cases.rs"]
mod cases;
mod conformance;
mod errors;
mod explain;
mod registry;
#[path = "../support/registry.rs"]
mod registry_support;
mod standin;
#[path = "../support/standin.rs"]
mod standin_support;
mod util;
