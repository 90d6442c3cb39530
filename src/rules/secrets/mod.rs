//! Secret rules: credentials written into any text file prodlint reads.

pub mod provider_credential;
pub mod secret_assignment;
pub mod secret_names;
