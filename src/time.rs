//! The ground floor for time: periods (`2024-06`, `2024-Q2`), ISO dates and date-times, leap
//! years, the current UTC time and the years the library accepts — without a date library.
//! Every module that reads a date uses this one; it depends on nothing but the error type.

use std::fmt;
use std::ops::RangeInclusive;

use crate::error::{Error, Result};

/// The years a date or period may name (the People's Republic's founding to a planning
/// horizon far beyond any report). The one place that says so.
pub const YEARS: RangeInclusive<i32> = 1949..=2200;

/// `YEARS` as written in messages: `1949–2200`.
pub(crate) fn years_text() -> String {
    format!("{}–{}", YEARS.start(), YEARS.end())
}

/// A reporting period: a month (`2024-06`) or a quarter (`2024-Q2`).
///
/// ```
/// use govreport::time::Period;
/// let p = Period::parse("2024-Q2")?;
/// assert_eq!((p.end_date(), p.schedule_share()), ("2024-06-30".to_string(), 0.5));
/// assert!(Period::parse("2024-13").is_err());
/// # Ok::<(), govreport::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    /// The year.
    pub year: i32,
    /// First month of the period (1–12).
    pub first_month: u32,
    /// Last month of the period (1–12); equal to `first_month` for a month.
    pub last_month: u32,
    /// Whether the period was written as a quarter.
    pub quarter: bool,
}

impl Period {
    /// Parses `YYYY-MM` (month 01–12) or `YYYY-Qn` (n 1–4); years in [`YEARS`].
    pub fn parse(s: &str) -> Result<Period> {
        let bad = |why: String| {
            Error::InvalidArgument(format!(
                "period {s:?} {why}: write a month (2024-03) or a quarter (2024-Q1)"
            ))
        };
        let b = s.as_bytes();
        if b.len() != 7 || b[4] != b'-' || !b[..4].iter().all(u8::is_ascii_digit) {
            return Err(bad("is malformed".into()));
        }
        let year = digits(&b[..4]) as i32;
        if !YEARS.contains(&year) {
            return Err(bad(format!("has a year outside {}", years_text())));
        }
        if b[5] == b'Q' {
            let q = b[6].wrapping_sub(b'0') as u32;
            if !(1..=4).contains(&q) {
                return Err(bad("names no quarter (Q1–Q4)".into()));
            }
            return Ok(Period {
                year,
                first_month: q * 3 - 2,
                last_month: q * 3,
                quarter: true,
            });
        }
        if !b[5..].iter().all(u8::is_ascii_digit) {
            return Err(bad("is malformed".into()));
        }
        let m = digits(&b[5..]);
        if !(1..=12).contains(&m) {
            return Err(bad("names no month (01–12)".into()));
        }
        Ok(Period {
            year,
            first_month: m,
            last_month: m,
            quarter: false,
        })
    }

    /// The last day of the period, `YYYY-MM-DD`.
    pub fn end_date(&self) -> String {
        let mut buf = [0u8; 10];
        self.write_end_date(&mut buf).to_string()
    }

    /// Writes the last day of the period into `buf` and returns it as text (no allocation).
    pub(crate) fn write_end_date<'b>(&self, buf: &'b mut [u8; 10]) -> &'b str {
        write_date(
            buf,
            self.year,
            self.last_month,
            days_in_month(self.year, self.last_month),
        )
    }

    /// The first day of the period, `YYYY-MM-DD`.
    pub fn start_date(&self) -> String {
        let mut buf = [0u8; 10];
        write_date(&mut buf, self.year, self.first_month, 1).to_string()
    }

    /// 序时进度 at the end of the period: months elapsed / 12 (`2024-06` and `2024-Q2` -> 0.5).
    pub fn schedule_share(&self) -> f64 {
        self.last_month as f64 / 12.0
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quarter {
            write!(f, "{}-Q{}", self.year, self.last_month / 3)
        } else {
            write!(f, "{}-{:02}", self.year, self.last_month)
        }
    }
}

fn digits(b: &[u8]) -> u32 {
    b.iter().fold(0, |n, d| n * 10 + (d - b'0') as u32)
}

fn write_date(buf: &mut [u8; 10], y: i32, m: u32, d: u32) -> &str {
    let y = y as u32;
    *buf = [
        b'0' + (y / 1000 % 10) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (d / 10) as u8,
        b'0' + (d % 10) as u8,
    ];
    // Only ASCII digits and '-' were written.
    std::str::from_utf8(buf).unwrap_or_default()
}

/// Whether a year is a leap year (Gregorian).
pub(crate) fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in a month of a year (Gregorian); 0 for a month that is not 1–12.
pub(crate) fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    pub y: i32,
    pub m: u32,
    pub d: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD` with a real month and day; `field` names the input in errors.
    pub fn parse(s: &str, field: &str) -> Result<Date> {
        let bad = || {
            Error::InvalidArgument(format!(
                "{field}: {s:?} is not a date of the form 2024-06-30"
            ))
        };
        let b = s.as_bytes();
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || ![&b[..4], &b[5..7], &b[8..]]
                .iter()
                .all(|p| p.iter().all(u8::is_ascii_digit))
        {
            return Err(bad());
        }
        let (y, m, d) = (digits(&b[..4]) as i32, digits(&b[5..7]), digits(&b[8..]));
        if !YEARS.contains(&y) || !(1..=12).contains(&m) || d == 0 {
            return Err(bad());
        }
        if d > days_in_month(y, m) {
            return Err(bad());
        }
        Ok(Date { y, m, d })
    }

    /// Days since 1970-01-01.
    pub fn days(&self) -> i64 {
        days_from_civil(self.y as i64, self.m as i64, self.d as i64)
    }

    /// The share of its year elapsed at the end of this day, counted in months as offices do
    /// (the end of June is 6/12; the 15th of a 30-day June is 5.5/12).
    pub fn year_share(&self) -> f64 {
        (self.m as f64 - 1.0 + self.d as f64 / days_in_month(self.y, self.m) as f64) / 12.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// The ISO date a deadline as offices write it stands for, in plan year `plan_year`:
/// `年底前`/`年底`/`年内`/`全年` → `{plan_year}-12-31`; `6月底前`, `6月底`, `6月末` → the last day
/// of that month; `6月15日前` → that day; `上半年` → 06-30, `一季度`/`第一季度末` … `四季度` →
/// the quarter's last day, `下半年` → 12-31; `2025年底前`, `到2025年`, `2025年6月底前`,
/// `2024年6月30日`, `2024-06-30`, `2024/6/30`, `2024.6.30` with their own year. A leading
/// `力争`/`确保`/`于`/`在` and a trailing `前`/`之前`/`以前` are allowed. Anything else is
/// [`Error::InvalidArgument`] listing the forms.
pub fn deadline_from_text(text: &str, plan_year: i32) -> Result<String> {
    let bad = || {
        Error::InvalidArgument(format!(
            "完成时限 {text:?}: not a deadline; write 年底前, 6月底前, 6月15日前, 上半年, 三季度, \
             2025年底前, 2024年6月30日 or 2024-06-30"
        ))
    };
    let mut t = text.trim();
    for p in ["力争", "确保", "于", "在", "到"] {
        t = t.strip_prefix(p).unwrap_or(t);
    }
    for s in ["之前", "以前", "前"] {
        if let Some(x) = t.strip_suffix(s) {
            t = x;
            break;
        }
    }
    let day = |y: i32, m: u32, d: u32| -> Result<String> {
        let date = format!("{y:04}-{m:02}-{d:02}");
        Date::parse(&date, "完成时限").map_err(|_| bad())?;
        Ok(date)
    };
    let month_end = |y: i32, m: u32| -> Result<String> {
        if !(1..=12).contains(&m) || !YEARS.contains(&y) {
            return Err(bad());
        }
        day(y, m, days_in_month(y, m))
    };
    // Numeric forms: 2024-06-30, 2024/6/30, 2024.6.30.
    for sep in ['-', '/', '.'] {
        let parts: Vec<&str> = t.split(sep).collect();
        if parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            let n = |p: &str| p.parse::<u32>().map_err(|_| bad());
            return day(n(parts[0])? as i32, n(parts[1])?, n(parts[2])?);
        }
    }
    // An explicit year: 2025年…; the rest is read in that year.
    let (year, rest) = match t.find('年') {
        Some(i) if i == 4 && t[..4].bytes().all(|b| b.is_ascii_digit()) => (
            t[..4].parse::<i32>().map_err(|_| bad())?,
            &t[i + '年'.len_utf8()..],
        ),
        _ => (plan_year, t),
    };
    let explicit_year = year != plan_year || rest.len() != t.len();
    match rest {
        "" if explicit_year => return month_end(year, 12),
        "底" | "末" | "内" | "年底" | "年末" | "年内" | "全年" | "下半年" => {
            return month_end(year, 12);
        }
        "上半年" => return month_end(year, 6),
        _ => {}
    }
    let quarter = rest
        .trim_start_matches('第')
        .trim_end_matches('末')
        .trim_end_matches("季度");
    let q = match quarter {
        "一" | "1" => Some(1),
        "二" | "2" => Some(2),
        "三" | "3" => Some(3),
        "四" | "4" => Some(4),
        _ => None,
    };
    if let Some(q) = q.filter(|_| rest.contains("季度")) {
        return month_end(year, q * 3);
    }
    // 6月底, 6月末, 6月15日.
    let Some((m, tail)) = rest.split_once('月') else {
        return Err(bad());
    };
    let m: u32 = m.parse().map_err(|_| bad())?;
    match tail {
        "底" | "末" | "" => month_end(year, m),
        d => match d.strip_suffix('日').or_else(|| d.strip_suffix('号')) {
            Some(d) => day(year, m, d.parse().map_err(|_| bad())?),
            None => Err(bad()),
        },
    }
}

/// Checks an ISO date-time: `YYYY-MM-DD`, optionally followed by `T` or a space,
/// `HH:MM[:SS[.fff]]` and `Z` or `±HH:MM`. Returns the date part.
pub(crate) fn check_datetime(s: &str, field: &str) -> Result<Date> {
    let bad = || {
        Error::InvalidArgument(format!(
            "{field}: {s:?} is not a date-time of the form 2024-06-25T09:30:00+08:00"
        ))
    };
    if s.len() < 10 || !s.is_char_boundary(10) {
        return Err(bad());
    }
    let date = Date::parse(&s[..10], field).map_err(|_| bad())?;
    let rest = &s.as_bytes()[10..];
    if rest.is_empty() {
        return Ok(date);
    }
    if rest[0] != b'T' && rest[0] != b' ' {
        return Err(bad());
    }
    let t = &rest[1..];
    let two =
        |b: &[u8], max: u32| b.len() == 2 && b.iter().all(u8::is_ascii_digit) && digits(b) <= max;
    if t.len() < 5 || !two(&t[..2], 23) || t[2] != b':' || !two(&t[3..5], 59) {
        return Err(bad());
    }
    let mut i = 5;
    if t.len() >= 8 && t[5] == b':' {
        if !two(&t[6..8], 60) {
            return Err(bad());
        }
        i = 8;
        if t.len() > i && t[i] == b'.' {
            i += 1;
            let start = i;
            while i < t.len() && t[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                return Err(bad());
            }
        }
    }
    let zone = &t[i..];
    let ok = zone.is_empty()
        || zone == b"Z"
        || (zone.len() == 6
            && (zone[0] == b'+' || zone[0] == b'-')
            && two(&zone[1..3], 14)
            && zone[3] == b':'
            && two(&zone[4..6], 59));
    if ok { Ok(date) } else { Err(bad()) }
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

// Howard Hinnant's algorithms (public domain): proleptic Gregorian <-> days since 1970.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let p = Period::parse("2024-02").unwrap();
        assert_eq!(
            (p.start_date(), p.end_date()),
            ("2024-02-01".into(), "2024-02-29".into())
        );
        assert_eq!(Period::parse("2023-02").unwrap().end_date(), "2023-02-28");
        assert_eq!(Period::parse("2024-Q4").unwrap().end_date(), "2024-12-31");
        assert_eq!(
            Period::parse("2024-11").unwrap().schedule_share(),
            11.0 / 12.0
        );
        for bad in [
            "2024-13",
            "2024-00",
            "2024-Q5",
            "2024-Q0",
            "2024-3",
            "24-03",
            "2024/03",
            "2024-１2",
            "",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Period::parse("2024-Q3").unwrap().to_string(), "2024-Q3");
    }

    #[test]
    fn deadlines_as_offices_write_them() {
        let d = |t: &str| deadline_from_text(t, 2024).unwrap();
        assert_eq!(d("年底前"), "2024-12-31");
        assert_eq!(d("6月底前"), "2024-06-30");
        assert_eq!(d("5月底前"), "2024-05-31");
        assert_eq!(d("2月底"), "2024-02-29");
        assert_eq!(d("10月底"), "2024-10-31");
        assert_eq!(d("力争10月底前"), "2024-10-31");
        assert_eq!(d("6月15日前"), "2024-06-15");
        assert_eq!(d("上半年"), "2024-06-30");
        assert_eq!(d("三季度"), "2024-09-30");
        assert_eq!(d("第一季度末"), "2024-03-31");
        assert_eq!(d("2025年底前"), "2025-12-31");
        assert_eq!(d("到2025年"), "2025-12-31");
        assert_eq!(d("2024年6月30日"), "2024-06-30");
        assert_eq!(d("2024-06-30"), "2024-06-30");
        assert_eq!(d("2024/6/30"), "2024-06-30");
        assert_eq!(d(" 2024.6.30 "), "2024-06-30");
        for bad in [
            "",
            "尽快",
            "13月底",
            "6月31日",
            "2024-02-30",
            "Q3",
            "年初",
            "2024年13月",
        ] {
            let e = deadline_from_text(bad, 2024).unwrap_err().to_string();
            assert!(e.contains("6月底前"), "{bad}: {e}");
        }
    }

    #[test]
    fn dates_and_times() {
        assert!(Date::parse("2024-02-30", "x").is_err());
        assert!(Date::parse("2024-02-29", "x").is_ok());
        for ok in [
            "2024-06-25",
            "2024-06-25T09:30",
            "2024-06-25 09:30:00",
            "2024-06-25T09:30:00.123Z",
            "2024-06-25T09:30:00+08:00",
        ] {
            assert!(check_datetime(ok, "t").is_ok(), "{ok}");
        }
        for bad in [
            "2024-06-25T24:00",
            "2024-06-25T09:60",
            "2024-06-25X",
            "2024-06-25T09:30+8",
            "2024-13-01",
        ] {
            assert!(check_datetime(bad, "t").is_err(), "{bad}");
        }
        for days in [-1000, 0, 19_000, 19_723, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(now_utc().len(), 20);
    }
}
