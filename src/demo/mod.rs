//! Demonstrations that write files a learner can look at.

pub mod image;
pub mod sample;
