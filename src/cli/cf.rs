use std::process::ExitCode;

use super::CliError;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<ExitCode, CliError> {
    Err(sportello::Error::new(sportello::Code::Internal, "non ancora disponibile").into())
}
