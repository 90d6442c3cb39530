//! Models: typed, source-independent views of parsed files that rules query.

pub mod command;
pub mod compose;
pub mod compose_layers;
pub mod container;
pub mod deployment;
pub mod django_settings;
pub mod dockerfile;
pub mod facts;
pub mod helm;
pub mod kubernetes;
pub mod named;
pub mod python;
pub mod rust;
pub mod server;
