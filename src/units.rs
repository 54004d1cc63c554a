//! Units as written in the report, and their conversion to a base unit.
//!
//! The report writes amounts with Chinese multipliers (`514.7亿元`, `60.5万亩`). Every figure
//! keeps its value and unit as written and also carries the value in a base unit, so that
//! sums and comparisons across records work. This table is the one place that knows the
//! multipliers.

/// `(unit as written, base unit, multiplier)`. Units not listed are their own base unit.
pub const CONVERSIONS: &[(&str, &str, f64)] = &[
    ("亿元", "元", 1e8),
    ("万元", "元", 1e4),
    ("元", "元", 1.0),
    ("万人次", "人次", 1e4),
    ("人次", "人次", 1.0),
    ("万人", "人", 1e4),
    ("人", "人", 1.0),
    ("万亩", "亩", 1e4),
    ("亩", "亩", 1.0),
    ("亿斤", "斤", 1e8),
    ("万斤", "斤", 1e4),
    ("斤", "斤", 1.0),
    ("万平方米", "平方米", 1e4),
    ("平方米", "平方米", 1.0),
    ("公里", "公里", 1.0),
    ("万户", "户", 1e4),
    ("户", "户", 1.0),
    ("%", "%", 1.0),
    ("个百分点", "个百分点", 1.0),
];

/// The value of `value unit` in its base unit, and that unit.
///
/// ```
/// assert_eq!(govreport::units::to_base(514.7, "亿元"), (51_470_000_000.0, "元".to_string()));
/// assert_eq!(govreport::units::to_base(3.0, "家"), (3.0, "家".to_string()));
/// ```
pub fn to_base(value: f64, unit: &str) -> (f64, String) {
    match CONVERSIONS.iter().find(|(u, _, _)| *u == unit) {
        // Round away the binary noise of the multiplication (514.7 * 1e8 = 51470000000.00001).
        Some((_, base, mult)) => (round_sig(value * mult), (*base).to_string()),
        None => (value, unit.to_string()),
    }
}

/// The base unit of `unit` and the multiplier to it, without allocating; a unit not in the
/// table is its own base (multiplier 1).
///
/// ```
/// assert_eq!(govreport::units::base_of("万元"), ("元", 1e4));
/// assert_eq!(govreport::units::base_of("家"), ("家", 1.0));
/// ```
pub fn base_of(unit: &str) -> (&str, f64) {
    match CONVERSIONS.iter().find(|(u, _, _)| *u == unit) {
        Some((_, base, mult)) => (base, *mult),
        None => (unit, 1.0),
    }
}

/// What one `from` is in `to` when both share a base unit (`亿元` in `万元` is 10,000), else
/// `None`.
///
/// ```
/// assert_eq!(govreport::units::ratio("亿元", "万元"), Some(1e4));
/// assert_eq!(govreport::units::ratio("元", "万元"), Some(1e-4));
/// assert_eq!(govreport::units::ratio("亩", "万元"), None);
/// ```
pub fn ratio(from: &str, to: &str) -> Option<f64> {
    let ((fb, fm), (tb, tm)) = (base_of(from), base_of(to));
    (fb == tb).then(|| fm / tm)
}

/// Rounds away the binary noise of a unit multiplication: 12 significant digits.
pub(crate) fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    // 12 significant digits is far beyond what the report writes (at most 6).
    let digits = 12 - x.abs().log10().ceil() as i32;
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_multiplied_unit_converts_exactly() {
        assert_eq!(to_base(514.7, "亿元").0, 51_470_000_000.0);
        assert_eq!(to_base(28.34, "亿元").0, 2_834_000_000.0);
        assert_eq!(to_base(15.0, "万元").0, 150_000.0);
        assert_eq!(to_base(545.0, "万人次"), (5_450_000.0, "人次".into()));
        assert_eq!(to_base(1.3, "万人"), (13_000.0, "人".into()));
        assert_eq!(to_base(60.5, "万亩"), (605_000.0, "亩".into()));
        assert_eq!(to_base(5.0, "亿斤"), (500_000_000.0, "斤".into()));
        assert_eq!(to_base(20.0, "万平方米"), (200_000.0, "平方米".into()));
        assert_eq!(to_base(7.3, "公里"), (7.3, "公里".into()));
        assert_eq!(to_base(0.5, "个百分点"), (0.5, "个百分点".into()));
    }

    #[test]
    fn table_has_no_duplicate_unit_and_bases_are_their_own_base() {
        for (i, (u, base, _)) in CONVERSIONS.iter().enumerate() {
            assert!(
                CONVERSIONS[i + 1..].iter().all(|(v, _, _)| v != u),
                "{u} twice"
            );
            let (_, b, m) = CONVERSIONS.iter().find(|(v, _, _)| v == base).unwrap();
            assert_eq!((*b, *m), (*base, 1.0), "{base} must map to itself");
        }
    }

    #[test]
    fn ratios_between_money_units() {
        assert_eq!(ratio("万元", "万元"), Some(1.0));
        assert_eq!(ratio("亿元", "万元"), Some(10_000.0));
        assert_eq!(ratio("元", "万元"), Some(0.0001));
        assert_eq!(ratio("万元", "元"), Some(10_000.0));
        assert_eq!(ratio("万亩", "万元"), None);
        assert_eq!(round_sig(0.1 + 0.2), 0.3);
    }
}
