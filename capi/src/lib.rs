//! The stable C ABI of govreport: `include/govreport.h`, `libgovreport.so`, `libgovreport.a`.
//!
//! This crate converts arguments and results only; every rule and every SQL statement lives in
//! the `govreport` library it wraps. It is a crate of its own (a workspace member, as rustls-ffi
//! is beside rustls) so that Rust dependents of the library never compile it nor build C
//! artefacts.
//!
//! One file per section of the header, in header order — [`handle`] (handles and versions),
//! [`errors`], [`text`] (the report text), [`dataset`], [`query`] (scripted SQL and the
//! cursor), [`search`], [`tracking`], [`decomposition`] (the 任务分解表), [`registers`] — and
//! three of plumbing: [`boundary`] (the panic boundary, result-code mapping, last error),
//! [`args`] (reading C arguments and JSON input) and [`out`] (writing results to
//! out-pointers). Each section file's module docs are the
//! section's introduction in the header (see `capi/tests/header.rs`).
//!
//! `unsafe` appears only where C pointers are read or written; every block says why it is
//! sound. The SQLite C calls of the cursor live in the library (`govreport::query`).

#![warn(missing_docs)]
#![allow(non_camel_case_types)]
// The contracts are written for C readers as "Requires:" paragraphs (they end up in the
// header), not as Rust `# Safety` headings.
#![allow(clippy::missing_safety_doc)]

pub mod args;
pub mod boundary;
pub mod out;

pub mod bulletin;
pub mod commitments;
pub mod dataset;
pub mod decomposition;
pub mod errors;
pub mod handle;
pub mod query;
pub mod registers;
pub mod search;
pub mod text;
pub mod tracking;
