//! The `tingting` binary.

fn main() -> std::process::ExitCode {
    tingting::cli::main()
}
