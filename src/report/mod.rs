//! Renderers: turn a finished [`Report`](crate::Report) into text. They decide nothing —
//! which findings exist and how severe they are was settled by the engine.

pub mod concise;
pub mod escape;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod statistics;
pub mod summary;

use crate::Report;

/// An output format of `prodlint check --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
}

/// Renders `report` in `format`. `color` only affects human output.
pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Human => human::render(report, color),
        Format::Concise => concise::render(report),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
    }
}
