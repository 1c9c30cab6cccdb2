//! `sportello`: the command line for the batch work of an office.
//! The contract is shared/spec/cli.md. Every subcommand is thin: parse, call the
//! library, print. Exit status: 0 done, 1 a negative answer, 2 bad input or usage
//! (message on stderr, nothing on stdout, no output file left behind).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(a) => a,
        Err(e) => {
            // --help / --version are not errors.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sportello: {e}");
            ExitCode::from(2)
        }
    }
}
