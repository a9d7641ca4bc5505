//! Where inputs come from: manifest files, tag lists, and the registry.

pub mod cluster;
pub mod files;
pub mod positions;
pub mod reference;
pub mod registry;
pub mod tag_source;
pub mod tag_text;
pub mod walk;
pub mod workloads;
pub mod yaml;
