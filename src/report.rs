//! The report's text: from the PDF-extracted lines to normalized paragraphs and the outline.
//!
//! The pipeline is deterministic and works on the text alone:
//!
//! 1. **Lines**: blank lines and the page marker (`地— 1 —地`) are dropped; the space that
//!    starts a line after a page break is removed; letter-spaced headings (`政 府 工 作 报 告`)
//!    are closed up; the single space the PDF puts between a Chinese character and a following
//!    digit or Latin letter (`增长 6%`, `推动 A级景区`) is removed. Nothing else is changed.
//! 2. **Paragraphs**: the PDF wraps every paragraph at a fixed width (28 full-width characters,
//!    26 on an indented first line). A line narrower than 25 characters ends its paragraph;
//!    a line that ends with a comma or mid-word never does; a structural opening (`——`,
//!    `这一年，我们`, `（三）`, `二、`, `5．`, `各位代表`) always starts a new one; and a
//!    first line that follows a full line ending in `。` starts a new paragraph too. Widths are
//!    measured on the line as the PDF laid it out (a digit or Latin letter is half a character,
//!    the removed spaces included).
//! 3. **Outline**: the front matter, the four parts `一、`…`四、` and `名词解释`; in part 一 the
//!    six themes (`这一年，我们…`) and their `——` sub-themes; in parts 三 and 四 the areas
//!    `（一）`…`（十）` and the run-in sub-headings that open a paragraph (`加快创新主体倍增。…`);
//!    the 14 glossary entries. Every paragraph belongs to exactly one (the innermost) section.

use serde::Serialize;

use crate::code::TextCode;
use crate::error::{Error, Result};

/// The metadata of one report, as stored in `seeds/<report>/report.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Report {
    /// Database id of the report (1 for the Yanshi 2024 report).
    pub id: i64,
    /// Short stable name, e.g. `yanshi-2024`.
    pub slug: String,
    /// Title as printed, e.g. `政府工作报告`.
    pub title: String,
    /// The region whose government reports, e.g. `洛阳市偃师区`.
    pub region: String,
    /// The day the report was delivered, ISO 8601 (`2024-01-23`).
    pub date: String,
    /// The meeting it was delivered to (`区第二届人民代表大会第四次会议`).
    pub meeting: String,
    /// Who delivered it (`赵玉勋`).
    pub speaker: String,
    /// The speaker's office (`区长`).
    pub speaker_office: String,
    /// The year the report plans for (2024); the review covers the year before.
    pub plan_year: i32,
}

/// What kind of division of the report a [`Section`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// The title block and opening before part 一.
    Front,
    /// One of the four numbered parts `一、`…`四、`.
    Part,
    /// A theme of part 一, a line that opens with `这一年，我们`.
    Theme,
    /// A `——` sub-theme inside a theme.
    Subtheme,
    /// One of the work areas `（一）`…`（十）` of part 三.
    Area,
    /// A run-in sub-heading that opens a paragraph (`加快创新主体倍增。`).
    Subheading,
    /// The `名词解释` (glossary) part.
    Glossary,
    /// One numbered glossary entry (`1．四下基层。`).
    GlossaryEntry,
}

impl TextCode for SectionKind {
    const ALL: &'static [SectionKind] = &[
        SectionKind::Front,
        SectionKind::Part,
        SectionKind::Theme,
        SectionKind::Subtheme,
        SectionKind::Area,
        SectionKind::Subheading,
        SectionKind::Glossary,
        SectionKind::GlossaryEntry,
    ];
    const WHAT: &'static str = "section kind";

    /// The code stored in the `section.kind` column.
    fn code(self) -> &'static str {
        match self {
            SectionKind::Front => "front",
            SectionKind::Part => "part",
            SectionKind::Theme => "theme",
            SectionKind::Subtheme => "subtheme",
            SectionKind::Area => "area",
            SectionKind::Subheading => "subheading",
            SectionKind::Glossary => "glossary",
            SectionKind::GlossaryEntry => "glossary_entry",
        }
    }
}
crate::code::inherent_text_code!(SectionKind);

/// One division of the report's outline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Database id (for the first report: the section's 1-based position in the outline).
    pub id: i64,
    /// The enclosing section, `None` for top-level sections.
    pub parent_id: Option<i64>,
    /// What kind of division this is.
    pub kind: SectionKind,
    /// Its number within its kind where the text numbers it: part 1–4, theme 1–6, area 1–10,
    /// glossary entry 1–14; sub-themes and sub-headings count 1.. within their parent.
    pub number: Option<i64>,
    /// The heading as written, without its closing `。` (`（一）聚焦科技创新引领，着力…`).
    pub title: String,
    /// The short labels of this section and its ancestors joined by ` / `
    /// (`三、2024年重点工作安排 / （一）聚焦科技创新引领 / 加快创新主体倍增`).
    pub path: String,
}

/// One real paragraph of the report (not a PDF line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paragraph {
    /// Database id (for the first report: the paragraph's 1-based position).
    pub id: i64,
    /// The innermost section the paragraph belongs to.
    pub section_id: i64,
    /// The normalized text of the paragraph.
    pub text: String,
}

/// Width of a PDF line in half-characters: a full-width character is 2, ASCII is 1.
fn layout_width(line: &str) -> usize {
    line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn is_page_marker(line: &str) -> bool {
    let t = line.trim();
    t.strip_prefix("地—")
        .and_then(|r| r.strip_suffix("—地"))
        .map(|mid| {
            let mid = mid.trim();
            !mid.is_empty() && mid.chars().all(|c| c.is_ascii_digit())
        })
        .unwrap_or(false)
}

/// `政 府 工 作 报 告` -> `政府工作报告`: every second character a single space.
fn close_letter_spacing(line: &str) -> Option<String> {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() < 3 || chars.len().is_multiple_of(2) {
        return None;
    }
    let spaced = chars
        .iter()
        .enumerate()
        .all(|(i, &c)| (i % 2 == 1) == (c == ' '));
    spaced.then(|| chars.iter().filter(|&&c| c != ' ').collect())
}

/// Removes the PDF's space between a non-ASCII character and a digit or Latin letter.
fn remove_script_spaces(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' && i > 0 && i + 1 < chars.len() {
            let before = chars[i - 1];
            let after = chars[i + 1];
            if !before.is_ascii() && !before.is_whitespace() && after.is_ascii_alphanumeric() {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// One line of the PDF text: as laid out (for its width) and normalized (for its text).
struct Line {
    width: usize,
    text: String,
}

fn lines(raw: &str) -> Vec<Line> {
    raw.lines()
        .map(|l| l.trim_end_matches(['\r', ' ', '\t']))
        .filter(|l| !l.trim().is_empty() && !is_page_marker(l))
        .map(|l| {
            let laid_out = l.trim_start_matches(' ');
            let text =
                close_letter_spacing(laid_out).unwrap_or_else(|| remove_script_spaces(laid_out));
            Line {
                width: layout_width(laid_out),
                text,
            }
        })
        .collect()
}

/// A line narrower than this (in half-characters) ends its paragraph.
const SHORT_LINE: usize = 50;
/// A line at least this wide is a full line: the paragraph goes on after it.
const FULL_LINE: usize = 54;
const SENTENCE_END: &[char] = &['。', '！', '？', '：', '；'];

fn opens_structure(text: &str) -> bool {
    const CN_DIGITS: &str = "一二三四五六七八九十";
    if let Some(rest) = text.strip_prefix("——") {
        return !rest.starts_with(|c: char| c.is_ascii_digit());
    }
    if text.starts_with("这一年，我们") || text.starts_with("各位代表") || text == "名词解释"
    {
        return true;
    }
    if let Some(rest) = text.strip_prefix('（') {
        let n = rest.chars().take_while(|&c| CN_DIGITS.contains(c)).count();
        return n > 0 && rest.chars().nth(n) == Some('）');
    }
    let cn = text.chars().take_while(|&c| CN_DIGITS.contains(c)).count();
    if cn > 0 && text.chars().nth(cn) == Some('、') {
        return true;
    }
    let digits = text.chars().take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && text.chars().nth(digits) == Some('．')
}

/// Splits the raw PDF text into real paragraphs of normalized text.
pub fn paragraphs(raw: &str) -> Vec<String> {
    let lines = lines(raw);
    let mut out = Vec::new();
    let mut current: Vec<&Line> = Vec::new();
    let flush = |current: &mut Vec<&Line>, out: &mut Vec<String>| {
        if !current.is_empty() {
            out.push(current.iter().map(|l| l.text.as_str()).collect::<String>());
            current.clear();
        }
    };
    let mut in_body = false;
    for (i, line) in lines.iter().enumerate() {
        if !in_body {
            // The title block: every line is its own paragraph, up to the salutation.
            out.push(line.text.clone());
            in_body = line.text.starts_with("各位代表");
            continue;
        }
        if opens_structure(&line.text) {
            flush(&mut current, &mut out);
        }
        let next_is_full = lines.get(i + 1).is_some_and(|n| n.width >= FULL_LINE);
        if current.len() >= 2 && (SHORT_LINE..FULL_LINE).contains(&line.width) {
            // An indented first line after a full line that ended a sentence exactly.
            let prev = current[current.len() - 1];
            if prev.width >= FULL_LINE && prev.text.ends_with(SENTENCE_END) && next_is_full {
                flush(&mut current, &mut out);
            }
        }
        let ends = if current.is_empty() {
            line.width < SHORT_LINE
        } else if line.width >= FULL_LINE {
            false
        } else {
            line.text.ends_with(SENTENCE_END) || line.text.ends_with('”')
        };
        current.push(line);
        if ends {
            flush(&mut current, &mut out);
        }
    }
    flush(&mut current, &mut out);
    out
}

/// The normalized text: the paragraphs joined by a newline, ending with one.
pub fn normalize(raw: &str) -> String {
    let mut s = paragraphs(raw).join("\n");
    s.push('\n');
    s
}

/// The report divided into sections and paragraphs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outline {
    /// All sections in document order (a parent before its children).
    pub sections: Vec<Section>,
    /// All paragraphs in document order.
    pub paragraphs: Vec<Paragraph>,
}

const CN_NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn cn_number(s: &str) -> Option<i64> {
    CN_NUMERALS
        .iter()
        .position(|&n| n == s)
        .map(|p| p as i64 + 1)
}

/// `加快创新主体倍增。加大…` -> `加快创新主体倍增`: a short first sentence without commas.
fn run_in_heading(text: &str) -> Option<&str> {
    let (head, _) = text.split_once('。')?;
    let n = head.chars().count();
    ((4..=12).contains(&n) && !head.contains(['，', '、', '；', '：', '“'])).then_some(head)
}

/// Builds the outline of a report from its paragraphs; ids start after `id_base`.
///
/// Fails with [`Error::Data`] if the text does not have the expected structure
/// (the four parts in order, at most ten areas …).
pub fn outline(paragraph_texts: &[String], id_base: i64) -> Result<Outline> {
    let mut b = OutlineBuilder {
        sections: Vec::new(),
        paragraphs: Vec::new(),
        stack: Vec::new(),
        id_base,
    };
    b.open(
        0,
        SectionKind::Front,
        None,
        "开篇".to_string(),
        "开篇".to_string(),
    );
    let mut part: Option<i64> = None;
    let mut child_count = 0i64;
    for text in paragraph_texts {
        if let Some(num) = text
            .split_once('、')
            .and_then(|(n, _)| cn_number(n))
            .filter(|n| *n <= 4 && text.chars().count() <= 20)
        {
            if part.map_or(num != 1, |p| num != p + 1) {
                return Err(Error::Data(format!("part {num} out of order: {text}")));
            }
            part = Some(num);
            child_count = 0;
            b.open(0, SectionKind::Part, Some(num), text.clone(), text.clone());
        } else if text == "名词解释" {
            part = Some(5);
            b.open(0, SectionKind::Glossary, None, text.clone(), text.clone());
        } else if part == Some(1) && text.starts_with("这一年，我们") {
            child_count += 1;
            b.open(
                1,
                SectionKind::Theme,
                Some(child_count),
                text.clone(),
                text.clone(),
            );
        } else if part == Some(1) && text.starts_with("各位代表") {
            // The review's closing words belong to part 一 itself, not to its last theme.
            b.close_to(1);
        } else if part == Some(1) && text.starts_with("——") && b.depth() >= 2 {
            let title = text["——".len()..]
                .split('。')
                .next()
                .unwrap_or("")
                .to_string();
            let n = b.children_of_top(2);
            b.open(2, SectionKind::Subtheme, Some(n), title.clone(), title);
        } else if let Some(area) = area_heading(text).filter(|_| part == Some(3)) {
            let (num, label, title) = area;
            if num != child_count + 1 {
                return Err(Error::Data(format!("area {num} out of order")));
            }
            child_count = num;
            b.open(1, SectionKind::Area, Some(num), title, label);
        } else if (part == Some(3) && b.depth() >= 2) || part == Some(4) {
            if let Some(head) = run_in_heading(text) {
                let level = if part == Some(3) { 2 } else { 1 };
                let n = b.children_of_top(level);
                b.open(
                    level,
                    SectionKind::Subheading,
                    Some(n),
                    head.into(),
                    head.into(),
                );
            }
        } else if part == Some(5) {
            let digits = text.chars().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 && text[digits..].starts_with('．') {
                let n: i64 = text[..digits]
                    .parse()
                    .map_err(|_| Error::Data(text.clone()))?;
                let title = text.split('。').next().unwrap_or("").to_string();
                b.open(1, SectionKind::GlossaryEntry, Some(n), title.clone(), title);
            }
        }
        let section_id = b.current();
        let id = id_base + b.paragraphs.len() as i64 + 1;
        b.paragraphs.push(Paragraph {
            id,
            section_id,
            text: text.clone(),
        });
    }
    if part != Some(5) {
        return Err(Error::Data("the text has no 名词解释 part".into()));
    }
    Ok(Outline {
        sections: b.sections,
        paragraphs: b.paragraphs,
    })
}

/// `（一）聚焦科技创新引领，着力重塑…。坚持…` -> (1, `（一）聚焦科技创新引领`, `（一）聚焦…结构`).
fn area_heading(text: &str) -> Option<(i64, String, String)> {
    let rest = text.strip_prefix('（')?;
    let (num, _) = rest.split_once('）')?;
    let n = cn_number(num)?;
    let title = text.split('。').next()?.to_string();
    let label = title.split('，').next()?.to_string();
    Some((n, label, title))
}

struct OutlineBuilder {
    sections: Vec<Section>,
    paragraphs: Vec<Paragraph>,
    /// Open sections from the top level down: (section index, level).
    stack: Vec<(usize, usize)>,
    id_base: i64,
}

impl OutlineBuilder {
    fn depth(&self) -> usize {
        self.stack.len()
    }

    fn close_to(&mut self, level: usize) {
        self.stack.truncate(level);
    }

    fn current(&self) -> i64 {
        let (idx, _) = *self.stack.last().expect("the front section is always open");
        self.sections[idx].id
    }

    /// How many sections of `level` the section open at `level - 1` has, plus one.
    fn children_of_top(&self, level: usize) -> i64 {
        let parent = self.stack.get(level - 1).map(|&(i, _)| self.sections[i].id);
        self.sections
            .iter()
            .filter(|s| s.parent_id == parent && parent.is_some())
            .count() as i64
            + 1
    }

    fn open(
        &mut self,
        level: usize,
        kind: SectionKind,
        number: Option<i64>,
        title: String,
        label: String,
    ) {
        self.stack.truncate(level);
        let parent = self.stack.last().map(|&(i, _)| &self.sections[i]);
        let path = match parent {
            Some(p) => format!("{} / {}", p.path, label),
            None => label,
        };
        let section = Section {
            id: self.id_base + self.sections.len() as i64 + 1,
            parent_id: parent.map(|p| p.id),
            kind,
            number,
            title,
            path,
        };
        self.sections.push(section);
        self.stack.push((self.sections.len() - 1, level));
    }
}
