//! prodlint: a linter for production readiness.
//!
//! The pipeline (see README "Architecture"): discover → classify → parse (`lang`) →
//! models (`model`) → file rules → facts → project rules → filter → report.

pub mod lang;
pub mod model;
pub mod source;
