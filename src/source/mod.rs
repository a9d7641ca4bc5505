//! Where inputs come from: manifest files and tag lists.

pub mod files;
pub mod markers;
pub mod positions;
pub mod tags;
