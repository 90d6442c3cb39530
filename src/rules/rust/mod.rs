//! Rust rules: small functions over one file's `rust::RustFile` model (syn, one pass).

pub mod blocking_call_in_async;
pub mod dropped_join_handle;
pub mod http_client_without_timeout;
pub mod server_without_graceful_shutdown;
pub mod tls_verify_disabled;
pub mod unbounded_channel;
