//! Tests of the `kubectl-imagepolicy` binary, one module per area.

#[path = "../support/apiserver.rs"]
mod apiserver;
#[path = "../support/cases.rs"]
mod cases;
mod cluster;
mod completion;
mod conformance;
mod diff;
mod dist;
mod errors;
mod explain;
mod gitops;
mod krew;
mod kubectl;
mod lint;
mod mark;
mod preview;
mod printers;
mod registry;
#[path = "../support/registry.rs"]
mod registry_support;
mod releases;
mod standin;
#[path = "../support/standin.rs"]
mod standin_support;
mod suggest;
mod tag_lists;
mod util;
mod watch;
