//! Where inputs come from: manifest files, tag lists, and the registry.

pub mod cluster;
pub mod files;
pub mod markers;
pub mod positions;
pub mod reference;
pub mod registry;
pub mod tags;
pub mod workloads;
