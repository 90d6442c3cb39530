//! Models: typed, source-independent views of parsed files that rules query.

pub mod command;
pub mod container;
pub mod kubernetes;
pub mod python;
pub mod rust;
