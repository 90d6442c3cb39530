//! Rust rules: small functions over one file's `rust::RustFile` model (syn, one pass).

pub mod http_client_without_timeout;
