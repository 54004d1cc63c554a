//! A year of the village register rolled up against the report's village targets.

use super::*;

impl Db {
    /// Rolls a year's village records up into the report's village targets for that year:
    /// every village's and community's 集体经济收入 at least the floor the report sets; the
    /// increase, over the year before, in villages at or above each income threshold the report
    /// names (`50万元以上 … 增加10个`); 五星/四星支部 counts; 乡里中心 in every administrative
    /// village. Target values are read from the report's targets by their metric text (and, for
    /// 乡里中心, the sentence that commits to 全覆盖); lines the report sets no target for are
    /// left out.
    ///
    /// Conventions: 以上 includes the threshold (≥); a star target counts the villages and
    /// communities rated exactly that many stars; an increase target is met when the increase
    /// is at least the target; 乡里中心 counts administrative villages (kind `village`) only.
    pub fn village_rollup(&self, report_id: i64, year: i32) -> Result<VillageRollup> {
        self.require_report(report_id)?;
        if !crate::time::YEARS.contains(&year) {
            return Err(Error::InvalidArgument(format!(
                "year {year} is outside {}",
                crate::time::years_text()
            )));
        }
        let conn = self.connection();
        // (kind, income, stars, center) of every village and community, for a year.
        let records = |y: i32| -> Result<Vec<Record>> {
            let mut st = conn.prepare_cached(
                "SELECT p.kind, y.collective_income, y.star_rating, y.li_center_built
                 FROM register_place p
                 LEFT JOIN village_year y ON y.place_id = p.id AND y.year = ?2
                 WHERE p.report_id = ?1 AND p.kind IN ('village', 'community')",
            )?;
            let rows = st.query_map(params![report_id, y], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let now = records(year)?;
        let before = records(year - 1)?;
        let places = now.len() as i64;
        let villages = now.iter().filter(|r| r.0 == "village").count() as i64;
        let with_income = now.iter().filter(|r| r.1.is_some()).count() as i64;

        let mut st = conn.prepare_cached(
            "SELECT id, metric, value, unit, comparator, quote FROM figure
             WHERE kind = 'target' AND report_id = ?1 AND year = ?2 ORDER BY id",
        )?;
        let targets: Vec<(i64, String, f64, String, String, String)> = st
            .query_map(params![report_id, year], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;

        let mut lines = Vec::new();
        for (id, metric, value, unit, comparator, quote) in &targets {
            let base = |key: &str, actual: f64, met: Option<bool>, detail: String| RollupLine {
                key: key.to_owned(),
                metric: metric.clone(),
                target_id: Some(*id),
                target_value: Some(*value),
                unit: unit.clone(),
                comparator: Some(comparator.clone()),
                actual,
                met,
                detail,
                quote: quote.clone(),
            };
            if metric.contains("集体经济收入") && unit == "万元" && !metric.contains("增加")
            {
                // The floor every village and community must reach.
                let below = now
                    .iter()
                    .filter(|r| r.1.is_some_and(|v| v < *value))
                    .count() as i64;
                let missing = places - with_income;
                let met = if places == 0 || missing > 0 {
                    None
                } else {
                    Some(below == 0)
                };
                lines.push(base(
                    "income_floor",
                    (with_income - below) as f64,
                    met,
                    format!(
                        "{} of {places} villages and communities at or above {value}万元; \
                         {below} below, {missing} without data for {year}",
                        with_income - below
                    ),
                ));
            } else if metric.contains("集体经济收入") && metric.contains("增加") {
                let Some(threshold) = number_before(metric, "万元") else {
                    continue;
                };
                let count = |rows: &[Record]| {
                    rows.iter()
                        .filter(|r| r.1.is_some_and(|v| v >= threshold))
                        .count() as i64
                };
                let (n_now, n_before) = (count(&now), count(&before));
                let has_before = before.iter().any(|r| r.1.is_some());
                let increase = n_now - n_before;
                lines.push(base(
                    &format!(
                        "income_{}_increase",
                        crate::registers::number_text(threshold)
                    ),
                    increase as f64,
                    has_before.then_some(increase as f64 >= *value),
                    if has_before {
                        format!(
                            "{n_now} villages and communities at or above {threshold}万元 in \
                             {year}, {n_before} in {}: {increase:+}",
                            year - 1
                        )
                    } else {
                        format!(
                            "{n_now} at or above {threshold}万元 in {year}; no records for {} \
                             to compare with",
                            year - 1
                        )
                    },
                ));
            } else if metric.contains("星") && metric.contains("支部") {
                let Some(level) = star_level(metric) else {
                    continue;
                };
                let rated = now.iter().filter(|r| r.2 == Some(level)).count() as i64;
                let with_rating = now.iter().filter(|r| r.2.is_some()).count();
                let met = match comparator.as_str() {
                    "at_most" => rated as f64 <= *value,
                    "more_than" => rated as f64 > *value,
                    _ => rated as f64 >= *value,
                };
                lines.push(base(
                    &format!("stars_{level}"),
                    rated as f64,
                    (with_rating > 0).then_some(met),
                    format!("{rated} rated {level} stars in {year} ({with_rating} rated in all)"),
                ));
            } else if metric.contains("乡里中心") {
                lines.push(li_center_line(
                    &now,
                    villages,
                    year,
                    Some((*id, metric, *value, unit, comparator, quote)),
                ));
            }
        }
        if !lines.iter().any(|l| l.key == "li_center") {
            // The report commits to 乡里中心 in every administrative village in words only.
            let sentence: Option<String> = conn
                .query_row(
                    "SELECT text FROM paragraph WHERE report_id = ?1
                       AND instr(text, '乡里中心') > 0 AND instr(text, '全覆盖') > 0
                     ORDER BY ordinal LIMIT 1",
                    [report_id],
                    |r| r.get(0),
                )
                .optional()?;
            let plan_year: i32 = conn.query_row(
                "SELECT plan_year FROM report WHERE id = ?1",
                [report_id],
                |r| r.get(0),
            )?;
            if let (Some(text), true) = (sentence, plan_year == year) {
                let clause = text
                    .split(['。', '；', '，'])
                    .find(|c| c.contains("全覆盖") && c.contains("乡里中心"))
                    .or_else(|| text.split(['。', '；']).find(|c| c.contains("乡里中心")))
                    .unwrap_or(&text)
                    .to_owned();
                let mut line = li_center_line(&now, villages, year, None);
                line.quote = clause;
                lines.push(line);
            }
        }
        Ok(VillageRollup {
            report_id,
            year,
            places,
            villages,
            places_with_income: with_income,
            lines,
        })
    }
}

fn li_center_line(
    now: &[Record],
    villages: i64,
    year: i32,
    target: Option<(i64, &String, f64, &String, &String, &String)>,
) -> RollupLine {
    let rows: Vec<_> = now.iter().filter(|r| r.0 == "village").collect();
    let built = rows.iter().filter(|r| r.3 == Some(true)).count() as i64;
    let unknown = rows.iter().filter(|r| r.3.is_none()).count() as i64;
    let met = if villages == 0 || unknown > 0 {
        None
    } else {
        Some(built == villages)
    };
    let (target_id, metric, value, unit, comparator, quote) = match target {
        Some((id, m, v, u, c, q)) => (
            Some(id),
            m.clone(),
            v,
            u.clone(),
            Some(c.clone()),
            q.clone(),
        ),
        None => (
            None,
            "行政村乡里中心全覆盖".to_owned(),
            villages as f64,
            "个".to_owned(),
            None,
            String::new(),
        ),
    };
    RollupLine {
        key: "li_center".into(),
        metric,
        target_id,
        target_value: Some(value),
        unit,
        comparator,
        actual: built as f64,
        met,
        detail: format!(
            "{built} of {villages} administrative villages have a 乡里中心 in {year}; {unknown} \
             without data"
        ),
        quote,
    }
}

/// The number written just before `unit` in `text` (`集体经济收入50万元以上` -> 50).
pub(super) fn number_before(text: &str, unit: &str) -> Option<f64> {
    let end = text.find(unit)?;
    let digits: String = text[..end]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

/// The star level a metric names (`创建“五星”支部` -> 5).
pub(super) fn star_level(metric: &str) -> Option<i64> {
    let before: Vec<char> = metric[..metric.find('星')?].chars().collect();
    match before.last()? {
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        c => c.to_digit(10).map(i64::from),
    }
}

/// One roll-up line: a village target of the report against the register.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollupLine {
    /// Stable key: `income_floor`, `income_50_increase`, `income_100_increase`, `stars_5`,
    /// `stars_4`, `li_center`.
    pub key: String,
    /// The target's metric as the report words it.
    pub metric: String,
    /// The target record (`figure` id); `None` for 乡里中心, which the report commits to in
    /// words (全覆盖) rather than as a number.
    pub target_id: Option<i64>,
    /// The target value; for 乡里中心, the number of administrative villages.
    pub target_value: Option<f64>,
    /// The target's unit.
    pub unit: String,
    /// The target's comparator.
    pub comparator: Option<String>,
    /// What the register shows: villages at or above the floor, the increase, the number rated,
    /// the number with a 乡里中心.
    pub actual: f64,
    /// Whether the target is met; `None` when data are missing (no rating at all, villages
    /// without a record, no previous year to compare with).
    pub met: Option<bool>,
    /// A sentence with the counts behind `actual`.
    pub detail: String,
    /// The report's words.
    pub quote: String,
}

/// A year's village records against the report's village targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VillageRollup {
    /// The report.
    pub report_id: i64,
    /// The year rolled up.
    pub year: i32,
    /// Villages and communities in the register.
    pub places: i64,
    /// Administrative villages (kind `village`) among them.
    pub villages: i64,
    /// Villages and communities with a 集体经济收入 for the year.
    pub places_with_income: i64,
    /// One line per target.
    pub lines: Vec<RollupLine>,
}

impl VillageRollup {
    /// The line with this key.
    pub fn line(&self, key: &str) -> Option<&RollupLine> {
        self.lines.iter().find(|l| l.key == key)
    }
}
