//! `govreport bulletin`: the 督查通报 of a period as a DOCX file or an HTML page.

use std::path::PathBuf;

use clap::Args;
use govreport::EvaluationConfig;

use crate::Target;
use crate::data::open_read;
use crate::exit::Failure;
use crate::spinner;

/// `bulletin --period P --out FILE.docx|FILE.html`.
#[derive(Debug, Args)]
pub struct BulletinArgs {
    /// The period: YYYY-MM or YYYY-Qn.
    #[arg(long)]
    period: String,
    /// The new file: .docx (Word/WPS) or .html; an existing file is refused.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Judge 序时进度 and deadlines at this date (default: the period's last day).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Only the records reported by this date or date-time: the bulletin as it stood then.
    #[arg(long, value_name = "DATE")]
    known_at: Option<String>,
    /// Commitments: months without a report after which a light is yellow (default 1; 0 off).
    #[arg(long, value_name = "MONTHS")]
    silent_periods: Option<u32>,
    /// Only this report (by id).
    #[arg(long)]
    report: Option<i64>,
}

/// Writes the bulletin; prints the file and its opening sentence on stderr.
pub fn bulletin(t: &Target, a: &BulletinArgs) -> Result<(), Failure> {
    let defaults = EvaluationConfig::default();
    let config = EvaluationConfig {
        as_of: a.as_of.clone(),
        known_at: a.known_at.clone(),
        silent_periods: a.silent_periods.unwrap_or(defaults.silent_periods),
        report_id: a.report,
        ..defaults
    };
    let db = open_read(t)?;
    let bar = spinner::start(format!("writing the bulletin of {}", a.period));
    let written = db.write_bulletin(&a.period, &config, &a.out);
    bar.finish_and_clear();
    let bulletin = written?;
    eprintln!("wrote {}: {}", a.out.display(), bulletin.summary);
    Ok(())
}
