//! The bulletin as one self-contained HTML page.

use std::fmt::Write as _;

use super::chart::{bar_chart_svg, xml_escape as esc};
use super::{Bulletin, Counts, light_colour, light_label, pct, points};

const STYLE: &str = "body{font-family:FangSong,'仿宋','仿宋_GB2312','Noto Serif CJK SC',\
'Noto Sans CJK SC','Source Han Serif SC','Source Han Sans SC',serif;max-width:60em;\
margin:2em auto;padding:0 1em;color:#212121;line-height:1.6}\
h1{font-family:'方正小标宋简体','Noto Serif CJK SC','Noto Sans CJK SC',serif;\
text-align:center;font-size:1.6em;color:#b71c1c}\
h2{font-family:SimHei,'黑体','Noto Sans CJK SC',sans-serif;font-size:1.2em;\
border-bottom:1px solid #bdbdbd}\
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}\
th,td{border:1px solid #9e9e9e;padding:.25em .4em;vertical-align:top;font-size:.95em}\
th{background:#eeeeee}.light{display:inline-block;width:.9em;height:.9em;\
border-radius:50%;vertical-align:middle;margin-right:.3em}\
.period{text-align:center}.summary{font-size:1.1em}\
td.nowrap{white-space:nowrap}@media print{body{margin:0}}";

fn light_cell(light: Option<super::Light>) -> String {
    format!(
        "<span class=\"light\" style=\"background:{}\"></span>{}",
        light_colour(light),
        light_label(light)
    )
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map_or_else(|| "—".to_string(), esc)
}

fn counts_table(out: &mut String, c: &Counts) {
    let _ = write!(
        out,
        "<table><tr><th>任务总数</th><th>正常执行</th><th>相对滞后</th><th>已完成</th>\
         <th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>未评价</th></tr>\
         <tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
         <td>{}</td><td>{}</td></tr></table>",
        light_cell(Some(super::Light::Green)),
        light_cell(Some(super::Light::Blue)),
        light_cell(Some(super::Light::Yellow)),
        light_cell(Some(super::Light::Red)),
        c.total,
        c.normal,
        c.lagging,
        c.done,
        c.green,
        c.blue,
        c.yellow,
        c.red,
        c.unlit
    );
}

/// Renders `b` (see [`Bulletin::to_html`]).
pub(crate) fn render(b: &Bulletin) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>",
        esc(&b.title)
    );
    let _ = write!(
        s,
        "<h1>{}</h1><p class=\"period\">（{}，截至{}，序时进度{:.1}%）</p>",
        esc(&b.title),
        esc(&b.period_label),
        esc(&b.as_of),
        b.schedule_pct
    );
    let _ = write!(
        s,
        "<h2>一、总体情况</h2><p class=\"summary\">{}</p>",
        esc(&b.summary)
    );
    counts_table(&mut s, &b.counts);
    s.push_str("<h2>二、分领域推进情况</h2>");
    for area in &b.areas {
        let _ = write!(
            s,
            "<h3>{}</h3><p>{}</p><table><tr><th>序号</th><th>工作任务</th><th>牵头单位</th>\
             <th>完成时限</th><th>进展</th><th>亮灯</th></tr>",
            esc(&area.title),
            esc(&area.counts.sentence())
        );
        for r in &area.rows {
            let _ = write!(
                s,
                "<tr><td class=\"nowrap\">{}</td><td>{}</td><td>{}</td><td class=\"nowrap\">{}\
                 </td><td>{}<br><small>{}</small></td><td class=\"nowrap\">{}</td></tr>",
                esc(&r.number),
                esc(&r.task),
                opt(&r.lead_unit),
                esc(&r.deadline),
                esc(&r.status),
                esc(&r.reason),
                light_cell(r.light)
            );
        }
        s.push_str("</table>");
    }
    s.push_str(
        "<h2>三、主要量化指标</h2><table><tr><th>指标</th><th>目标</th><th>完成值</th>\
         <th>完成率</th><th>与序时进度比</th><th>状态</th><th>亮灯</th></tr>",
    );
    for i in &b.indicators {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             </tr>",
            esc(&i.metric),
            esc(&i.target),
            opt(&i.value),
            pct(i.completion_pct),
            points(i.gap_points),
            esc(&i.status),
            light_cell(i.light)
        );
    }
    s.push_str("</table><h2>四、进度相对滞后的任务</h2>");
    if b.lagging.is_empty() {
        s.push_str("<p>本期无进度相对滞后的任务。</p>");
    }
    for (n, l) in b.lagging.iter().enumerate() {
        let _ = write!(
            s,
            "<div class=\"lagging\"><p><strong>{}．{}</strong> {}（{}）</p>\
             <p>牵头单位：{}</p><p>存在的问题：{}</p><p>下一步措施：{}</p></div>",
            n + 1,
            light_cell(l.light),
            esc(&l.quote),
            esc(&l.reason),
            opt(&l.lead_unit),
            opt(&l.problems),
            opt(&l.next_steps)
        );
    }
    s.push_str("<h2>五、重点项目建设</h2>");
    match &b.projects {
        None => s.push_str("<p>重点项目台账尚未导入。</p>"),
        Some(p) => {
            let _ = write!(
                s,
                "<p>纳入台账并报送进度的重点项目{}个，年度计划投资{:.2}亿元，累计完成投资{:.2}亿元，\
                 占年度计划的{}（序时进度{:.1}%）；计划开工{}个，实际开工{}个，开工率{}。</p>",
                p.reporting,
                p.annual_plan_yi,
                p.invested_yi,
                pct(p.plan_completion_pct),
                p.schedule_pct,
                p.planned_starts,
                p.actual_starts,
                pct(p.start_rate_pct)
            );
            if !p.bars.is_empty() {
                s.push_str("<figure>");
                s.push_str(&bar_chart_svg(p));
                s.push_str(
                    "<figcaption>重点项目年度计划投资完成率（虚线为序时进度）</figcaption></figure>",
                );
            }
        }
    }
    s.push_str("</body></html>\n");
    s
}
