//! The engine of kubectl-imagepolicy, pure: Flux image-reflector-controller's
//! tag selection, step by step (`policy`), on ports of the Go libraries the
//! controller runs (`gocompat`: Go's regexp and text templates, Masterminds
//! semver, `strconv.ParseFloat`). Tags and a rule (and a release profile) in,
//! verdicts out; no I/O, and nothing of the plugin above it — a separate crate,
//! so the compiler keeps the layers apart (docs/architecture.md).

pub mod gocompat;
pub mod policy;
