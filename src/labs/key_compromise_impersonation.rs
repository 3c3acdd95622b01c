use super::LabError;
use crate::engine::RunOptions;
use crate::transcript::Transcript;
pub fn run(_options: RunOptions) -> Result<Transcript, LabError> { todo!() }
