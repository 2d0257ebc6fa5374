//! One file per subcommand: its options → the app → what is printed and written. Each returns how it ended;
//! the command line turns that into the exit code.

pub mod build;
pub mod diff;
pub mod inspect;
pub mod plan;
pub mod report;
pub mod rules;
