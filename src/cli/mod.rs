//! Defines tomo's command line: the clap [`Cli`], one file per subcommand, and the shared
//! argument groups in [`args`]. Each subcommand reads its options, builds a library request
//! and prints the result.

mod align;
mod analyze;
pub mod args;
mod concord;
mod export;
mod import;
mod lookup;
mod segment;
mod stats;
mod translate;

use clap::{Parser, Subcommand};

/// tomo: translation memory and multilingual corpus tool.
#[derive(Debug, Parser)]
#[command(name = "tomo", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: args::Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Split text into paragraphs and sentences.
    Segment(segment::Args),
    /// Align an article with its translation(s) into sentence pairs.
    Align(align::Args),
    /// Import TMX, CSV or TSV memories, or finished XLIFF/TSV/Markdown drafts, into the memory.
    Import(import::Args),
    /// Export the memory as TMX, CSV or TSV.
    Export(export::Args),
    /// Show which memory is in use and what it holds.
    Stats(stats::Args),
    /// Find how a sentence, or something close, was translated before.
    Lookup(lookup::Args),
    /// Find a word or phrase in the memory and show it in context.
    Concord(concord::Args),
    /// Draft a translation of an article from the memory.
    Translate(translate::Args),
    /// Report how much of an article the memory already covers (match bands).
    Analyze(analyze::Args),
}

/// How a successful command ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: a lookup found nothing (grep convention).
    NoMatch,
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> tomo::Result<Outcome> {
    let g = &cli.global;
    match cli.command {
        Command::Segment(a) => segment::run(a, g),
        Command::Align(a) => align::run(a, g),
        Command::Import(a) => import::run(a, g),
        Command::Export(a) => export::run(a, g),
        Command::Stats(a) => stats::run(a, g),
        Command::Lookup(a) => lookup::run(a, g),
        Command::Concord(a) => concord::run(a, g),
        Command::Translate(a) => translate::run(a, g),
        Command::Analyze(a) => analyze::run(a, g),
    }
}
