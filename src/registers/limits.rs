//! What an import file may cost: the bounds every register import checks before and while it
//! reads a file, so that a hostile or broken spreadsheet is refused with a message instead of
//! exhausting the host's memory.

use crate::error::Error;

/// Bounds on an imported register file, proportional to a register (defaults: 100,000 rows ×
/// 200 columns, 64 MiB of text). Anything above a bound fails the import with
/// [`Error::InvalidArgument`] naming the bound and the value found; nothing is written.
///
/// The defaults ([`ImportLimits::default`]) fit every real register by a wide margin; raise a
/// bound for an unusual file, lower them for a service that imports files from strangers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// Highest row number of the sheet (as a spreadsheet shows it, title and header rows
    /// included); for CSV, the number of records. Default 100,000.
    pub max_rows: usize,
    /// Highest column (1 = A); for CSV, fields in a record up to its last non-empty one.
    /// Default 200 (column GR).
    pub max_columns: usize,
    /// XLSX: cells present in a worksheet (`<c>` elements), and the shared-string table's
    /// `count`/`uniqueCount` and entries. Default 2,000,000 (100,000 rows × 20 filled columns).
    /// Shared strings are also bounded by `max_rows × max_columns`.
    pub max_cells: usize,
    /// CSV: bytes of the file. XLSX: bytes of all zip entries once inflated (as the central
    /// directory declares them, and as counted while inflating). Default 64 MiB.
    pub max_bytes: u64,
    /// XLSX: entries in the zip archive. Default 1,000.
    pub max_zip_entries: usize,
    /// XLSX: inflated size / compressed size of an entry larger than 1 MiB once inflated.
    /// Default 200 (spreadsheet XML compresses 5–50 times; a zip bomb 1,000 times).
    pub max_compression_ratio: u64,
    /// CSV: bytes of one field. Default 128 KiB (Excel's 32,767 characters in UTF-8).
    pub max_field_bytes: usize,
    /// CSV: bytes of one record, enforced while reading, so a huge field or row is never
    /// held in memory whole. Default 1 MiB.
    pub max_row_bytes: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits {
            max_rows: 100_000,
            max_columns: 200,
            max_cells: 2_000_000,
            max_bytes: 64 << 20,
            max_zip_entries: 1_000,
            max_compression_ratio: 200,
            max_field_bytes: 128 << 10,
            max_row_bytes: 1 << 20,
        }
    }
}

impl ImportLimits {
    /// Entries the shared-string table may declare or hold.
    #[cfg(feature = "xlsx")]
    pub(crate) fn max_shared_strings(&self) -> u64 {
        (self.max_rows as u64)
            .saturating_mul(self.max_columns as u64)
            .min(self.max_cells as u64)
    }
}

/// The error for a value above a limit: names the limit (its field in [`ImportLimits`] and
/// its key in the C options) and the value found.
pub(crate) fn over_limit(
    what: &str,
    found: impl std::fmt::Display,
    limit: &str,
    max: impl std::fmt::Display,
) -> Error {
    Error::InvalidArgument(format!(
        "{what} is {found}, above the import limit {limit} = {max}; nothing imported (raise \
         ImportLimits::{limit} / the \"{limit}\" import option if the file is genuine)"
    ))
}
