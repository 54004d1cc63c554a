//! Text codes: every enum stored or passed as a text code (`"target"`, `"new_start"` …) maps
//! to and from its code through [`TextCode`], so that each lookup and its error are written once.

use crate::error::{Error, Result};

/// An enum stored as a text code. Implement `ALL`, `WHAT` and `code`; `from_code` comes free,
/// with an error that lists the valid codes.
///
/// ```
/// use govreport::{SubjectKind, TextCode};
/// assert_eq!(SubjectKind::from_code("task")?, SubjectKind::Task);
/// let err = SubjectKind::from_code("tsak").unwrap_err().to_string();
/// assert!(err.contains("use one of target, task, project, register_project"), "{err}");
/// # Ok::<(), govreport::Error>(())
/// ```
pub trait TextCode: Copy + 'static {
    /// Every value, in the order codes are listed in messages.
    const ALL: &'static [Self];
    /// What the code names, for messages (`"subject kind"`).
    const WHAT: &'static str;

    /// The value's code.
    fn code(self) -> &'static str;

    /// The value whose code is `code`, or [`Error::InvalidArgument`] naming [`Self::WHAT`] and
    /// listing the valid codes.
    fn from_code(code: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.code() == code)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|c| c.code()).collect();
                Error::InvalidArgument(format!(
                    "unknown {} {code:?}: use one of {}",
                    Self::WHAT,
                    known.join(", ")
                ))
            })
    }
}

/// Gives a [`TextCode`] enum the same `ALL`, `code` and `from_code` as inherent items, so that
/// callers need not import the trait.
macro_rules! inherent_text_code {
    ($ty:ty) => {
        impl $ty {
            /// Every value, in the order codes are listed in messages.
            pub const ALL: &'static [$ty] = <$ty as $crate::code::TextCode>::ALL;

            /// The code stored in the database and used in JSON.
            pub fn code(self) -> &'static str {
                <$ty as $crate::code::TextCode>::code(self)
            }

            /// The value for a code; [`Error::InvalidArgument`](crate::Error::InvalidArgument)
            /// listing the valid codes for an unknown one.
            pub fn from_code(code: &str) -> $crate::Result<$ty> {
                <$ty as $crate::code::TextCode>::from_code(code)
            }
        }
    };
}
pub(crate) use inherent_text_code;
