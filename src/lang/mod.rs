//! Front-ends: one per input language, each turning text into a tree or token list with
//! byte spans. No rule knowledge lives here.

pub mod dockerfile;
pub mod dotenv;
pub mod python;
pub mod python_outline;
pub mod rust;
pub mod shell;
pub mod yaml;
