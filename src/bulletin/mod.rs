//! The 督查通报 (supervision bulletin) of one period as a document: a DOCX file to print from
//! Word or WPS, and an HTML page with the same content.
//!
//! A bulletin opens with its counts — "x项任务中的x项能按计划正常执行，x项进度相对滞后" and the
//! counts by light — then a table per area, the main quantified indicators against 序时进度,
//! each lagging commitment quoted in the report's words with its lead unit, 存在的问题 and
//! 下一步措施, and the key-project investment section (completion against 序时进度, 开工率)
//! with a bar chart: inline SVG in the HTML page, a PNG image in the DOCX file.
//!
//! [`Bulletin`] is the document's content, assembled by `Db::bulletin` from the evaluations of
//! the period (commitments, targets, key projects), so its counts are those evaluations'.
//! [`Bulletin::to_html`] and [`Bulletin::to_docx`] render it; `Db::write_bulletin` writes
//! either by the file's extension.
//!
//! # Fonts
//!
//! The DOCX names the fonts of Chinese official documents (GB/T 9704): the title in
//! 方正小标宋简体, headings in 黑体, body text in 仿宋_GB2312 (`w:eastAsia`; Latin text in Times
//! New Roman). Word and WPS substitute an installed Chinese font where one is missing (宋体 /
//! SimSun on Windows). The HTML page asks for FangSong / 仿宋 and falls back on Noto Serif CJK
//! SC, Noto Sans CJK SC (Debian's `fonts-noto-cjk`), Source Han, then any `serif`.

use serde::Serialize;

use crate::tracking::Light;

mod assemble;
mod chart;
#[cfg(feature = "docx")]
mod docx;
mod html;

#[cfg(feature = "docx")]
pub use chart::bar_chart_png;

/// How many commitments stand where, in the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Every commitment evaluated.
    pub total: usize,
    /// 能按计划正常执行: green or blue.
    pub normal: usize,
    /// 进度相对滞后: yellow or red.
    pub lagging: usize,
    /// No light (nothing reported and nothing to judge).
    pub unlit: usize,
    /// Of all, reported done (已完成).
    pub done: usize,
    /// Green lights.
    pub green: usize,
    /// Blue lights (deadline near).
    pub blue: usize,
    /// Yellow lights.
    pub yellow: usize,
    /// Red lights.
    pub red: usize,
}

impl Counts {
    /// Counts the lights of a period's commitments (`done` flags those reported done).
    pub fn of(lights: impl IntoIterator<Item = (Option<Light>, bool)>) -> Counts {
        let mut c = Counts::default();
        for (light, done) in lights {
            c.total += 1;
            c.done += usize::from(done);
            match light {
                Some(Light::Green) => c.green += 1,
                Some(Light::Blue) => c.blue += 1,
                Some(Light::Yellow) => c.yellow += 1,
                Some(Light::Red) => c.red += 1,
                None => c.unlit += 1,
            }
        }
        c.normal = c.green + c.blue;
        c.lagging = c.yellow + c.red;
        c
    }

    /// The bulletin's opening sentence: "143项任务中的120项能按计划正常执行，20项进度相对滞后"
    /// (and "，3项本期未评价" when some have no light).
    pub fn sentence(&self) -> String {
        let mut s = format!(
            "{}项任务中的{}项能按计划正常执行，{}项进度相对滞后",
            self.total, self.normal, self.lagging
        );
        if self.unlit > 0 {
            s.push_str(&format!("，{}项本期未评价", self.unlit));
        }
        s.push('。');
        s
    }
}

/// One commitment's line in its area's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRow {
    /// 序号 as in the 任务分解表 (一.1 …).
    pub number: String,
    /// The commitment.
    pub commitment_id: i64,
    /// 工作任务: the commitment in the report's words.
    pub task: String,
    /// 牵头单位, when the decomposition gives one.
    pub lead_unit: Option<String>,
    /// 完成时限 (ISO).
    pub deadline: String,
    /// Where it stands, in office words (已完成, 推进中, 滞后 …).
    pub status: String,
    /// The light.
    pub light: Option<Light>,
    /// Why that light, in one phrase.
    pub reason: String,
}

/// One area's table (part 三's （一）–（十）, or part 二 / 四 as their own).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaSection {
    /// The area's title as written.
    pub title: String,
    /// Its commitments.
    pub rows: Vec<TaskRow>,
    /// Its counts.
    pub counts: Counts,
}

/// One quantified indicator (主要量化指标) against 序时进度.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorRow {
    /// The target.
    pub target_id: i64,
    /// What is measured.
    pub metric: String,
    /// The target as written with its qualifier (6%左右).
    pub target: String,
    /// The value to date with its unit, when reported.
    pub value: Option<String>,
    /// 100 × value / target (quantities), when known.
    pub completion_pct: Option<f64>,
    /// Points ahead of (+) or behind (−) 序时进度, when known.
    pub gap_points: Option<f64>,
    /// 已完成, 超进度, 达进度, 欠进度, 逾期, 未报送.
    pub status: String,
    /// The light.
    pub light: Option<Light>,
}

/// A lagging commitment, quoted in the report's words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaggingItem {
    /// 序号.
    pub number: String,
    /// The commitment.
    pub commitment_id: i64,
    /// The commitment, verbatim.
    pub quote: String,
    /// 牵头单位, when known.
    pub lead_unit: Option<String>,
    /// Yellow or red.
    pub light: Option<Light>,
    /// Why it lags.
    pub reason: String,
    /// 存在的问题, as reported.
    pub problems: Option<String>,
    /// 下一步措施, as reported.
    pub next_steps: Option<String>,
}

/// One key project's bar in the chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectBar {
    /// The project's name.
    pub name: String,
    /// 100 × invested to date / annual plan.
    pub completion_pct: f64,
    /// Points ahead of (+) or behind (−) 序时进度.
    pub gap_points: f64,
}

/// The key-project investment section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectSection {
    /// 序时进度 of the period, in percent.
    pub schedule_pct: f64,
    /// Projects in the register with a report in or before the period.
    pub reporting: usize,
    /// 年度计划投资 of the register, in 亿元.
    pub annual_plan_yi: f64,
    /// Invested to date, in 亿元.
    pub invested_yi: f64,
    /// 100 × invested / annual plan, when there is a plan.
    pub plan_completion_pct: Option<f64>,
    /// Projects planned to start by the period end.
    pub planned_starts: usize,
    /// Of these, started.
    pub actual_starts: usize,
    /// 开工率, when any start was planned.
    pub start_rate_pct: Option<f64>,
    /// The chart's bars: projects with an annual plan, lowest completion first (at most 20).
    pub bars: Vec<ProjectBar>,
}

/// The content of one period's bulletin (see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bulletin {
    /// 偃师区2024年《政府工作报告》重点工作推进情况督查通报.
    pub title: String,
    /// The period in words: 2024年1—6月.
    pub period_label: String,
    /// The period code (`2024-06`, `2024-Q2`).
    pub period: String,
    /// The as-of date of the evaluation.
    pub as_of: String,
    /// 序时进度 at the as-of date, in percent.
    pub schedule_pct: f64,
    /// Counts over every commitment.
    pub counts: Counts,
    /// The opening sentence ([`Counts::sentence`]).
    pub summary: String,
    /// A table per area, in report order.
    pub areas: Vec<AreaSection>,
    /// The quantified indicators (the report's targets).
    pub indicators: Vec<IndicatorRow>,
    /// The lagging commitments, red first, then in report order.
    pub lagging: Vec<LaggingItem>,
    /// The key-project section, when the register holds projects.
    pub projects: Option<ProjectSection>,
}

impl Bulletin {
    /// The page as one self-contained HTML document (UTF-8, inline CSS and SVG).
    pub fn to_html(&self) -> String {
        html::render(self)
    }

    /// The document as DOCX bytes (Office Open XML), to print from Word or WPS.
    #[cfg(feature = "docx")]
    pub fn to_docx(&self) -> crate::Result<Vec<u8>> {
        docx::render(self)
    }
}

/// A light's words (绿灯 …), or 未评价.
pub(crate) fn light_label(light: Option<Light>) -> &'static str {
    light.map_or("未评价", Light::label_zh)
}

/// A light's colour as `#rrggbb` (grey for none).
pub(crate) fn light_colour(light: Option<Light>) -> &'static str {
    match light {
        Some(Light::Green) => "#2e7d32",
        Some(Light::Blue) => "#1565c0",
        Some(Light::Yellow) => "#f9a825",
        Some(Light::Red) => "#c62828",
        None => "#9e9e9e",
    }
}

/// A percentage with one decimal (`31.7%`), or `—`.
pub(crate) fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.1}%"))
}

/// Points with their sign (`+1.6个百分点`, `−1.6个百分点`), or `—`.
pub(crate) fn points(v: Option<f64>) -> String {
    match v {
        None => "—".to_string(),
        Some(v) if v < 0.0 => format!("−{:.1}个百分点", -v),
        Some(v) => format!("+{v:.1}个百分点"),
    }
}

#[cfg(test)]
mod tests;
