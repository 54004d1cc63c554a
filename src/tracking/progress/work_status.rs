//! [`WorkStatus`]: where the work on a commitment stands.

use serde::{Deserialize, Serialize};

use crate::code::TextCode;
use crate::error::{Error, Result};

/// Where the work on a commitment stands, as a commitment's progress record reports it (the
/// 进展状态 column of an office's 督查 table).
///
/// Stored and written in JSON as its code; read from JSON (and from the C ABI and the command
/// line) as the code or the Chinese word.
///
/// ```
/// use govreport::tracking::WorkStatus;
/// assert_eq!(WorkStatus::from_label_or_code("推进中")?, WorkStatus::InProgress);
/// assert_eq!(WorkStatus::from_label_or_code("lagging")?.label_zh(), "滞后");
/// assert!(WorkStatus::from_label_or_code("进行中").is_err());
/// # Ok::<(), govreport::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkStatus {
    /// 未启动: not started yet.
    NotStarted,
    /// 推进中: under way.
    InProgress,
    /// 已完成: done.
    Done,
    /// 滞后: behind, by the reporting unit's own account.
    Lagging,
}

impl TextCode for WorkStatus {
    const ALL: &'static [WorkStatus] = &[
        WorkStatus::NotStarted,
        WorkStatus::InProgress,
        WorkStatus::Done,
        WorkStatus::Lagging,
    ];
    const WHAT: &'static str = "work status";

    /// The code in `progress.work_status`.
    fn code(self) -> &'static str {
        match self {
            WorkStatus::NotStarted => "not_started",
            WorkStatus::InProgress => "in_progress",
            WorkStatus::Done => "done",
            WorkStatus::Lagging => "lagging",
        }
    }
}
crate::code::inherent_text_code!(WorkStatus);

impl WorkStatus {
    /// The words offices use: 未启动, 推进中, 已完成, 滞后.
    pub fn label_zh(self) -> &'static str {
        match self {
            WorkStatus::NotStarted => "未启动",
            WorkStatus::InProgress => "推进中",
            WorkStatus::Done => "已完成",
            WorkStatus::Lagging => "滞后",
        }
    }

    /// The status whose code (`in_progress`) or Chinese word (`推进中`) is `s` (surrounding
    /// spaces ignored); [`Error::InvalidArgument`] listing both for anything else.
    pub fn from_label_or_code(s: &str) -> Result<WorkStatus> {
        let s = s.trim();
        WorkStatus::ALL
            .iter()
            .copied()
            .find(|w| w.code() == s || w.label_zh() == s)
            .ok_or_else(|| {
                let known: Vec<String> = WorkStatus::ALL
                    .iter()
                    .map(|w| format!("{} ({})", w.code(), w.label_zh()))
                    .collect();
                Error::InvalidArgument(format!(
                    "unknown work status {s:?}: use one of {}",
                    known.join(", ")
                ))
            })
    }
}

impl<'de> Deserialize<'de> for WorkStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<WorkStatus, D::Error> {
        let text = String::deserialize(d)?;
        WorkStatus::from_label_or_code(&text).map_err(|e| match e {
            Error::InvalidArgument(m) => serde::de::Error::custom(m),
            other => serde::de::Error::custom(other.to_string()),
        })
    }
}
