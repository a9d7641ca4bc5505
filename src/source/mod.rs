//! Where inputs come from: manifest files and tag lists.

pub mod cluster;
pub mod files;
pub mod tags;
