//! Reading units as offices write them: lists split on `、，,；;` and whitespace, the lead
//! unit first (列第一位的为牵头单位), and the inline form of published decompositions —
//! `…（区发改委牵头，区财政局、区住建局配合）` at the end of the task text.

/// Units as a row lists them, before the lead is picked: the 牵头单位 list, the 责任单位 list
/// (its first unit leads when 牵头单位 is empty), and units that only support (`X配合`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Listed {
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    pub support: Vec<String>,
}

/// The units of a row: the lead (if any) and the supporting units, without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Units {
    pub lead: Option<String>,
    pub support: Vec<String>,
}

impl Listed {
    pub fn is_empty(&self) -> bool {
        self.lead.is_empty() && self.responsible.is_empty() && self.support.is_empty()
    }

    /// The first unit of 牵头单位 (else of 责任单位) leads; every other unit supports, once,
    /// never the lead.
    pub fn resolve(&self) -> Units {
        let mut all = self.lead.iter().chain(&self.responsible);
        let lead = all.next().cloned();
        let mut support: Vec<String> = Vec::new();
        for u in all.chain(&self.support) {
            if Some(u) != lead.as_ref() && !support.contains(u) {
                support.push(u.clone());
            }
        }
        Units { lead, support }
    }
}

/// Splits a list of names on `、`, `，`, `,`, `；`, `;` and whitespace (full-width spaces and
/// line breaks included); empty parts are dropped.
pub(super) fn split_list(text: &str) -> Vec<String> {
    text.split(|c: char| "、，,；;".contains(c) || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Clause endings of an inline annotation and the role of the units before them, longest
/// first.
const SUFFIXES: &[(&str, Role)] = &[
    ("牵头负责", Role::Lead),
    ("配合落实", Role::Support),
    ("按职责分工负责", Role::Support),
    ("负责落实", Role::Responsible),
    ("牵头", Role::Lead),
    ("配合", Role::Support),
    ("协助", Role::Support),
    ("协办", Role::Support),
    ("参与", Role::Support),
    ("负责", Role::Responsible),
    ("落实", Role::Responsible),
    ("责任", Role::Responsible),
];

/// Labels of the `label：units` clauses.
const LABELS: &[(&str, Role)] = &[
    ("牵头单位", Role::Lead),
    ("牵头部门", Role::Lead),
    ("牵头", Role::Lead),
    ("责任单位", Role::Responsible),
    ("责任部门", Role::Responsible),
    ("负责单位", Role::Responsible),
    ("配合单位", Role::Support),
    ("配合部门", Role::Support),
    ("协办单位", Role::Support),
    ("参与单位", Role::Support),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Lead,
    Responsible,
    Support,
}

/// The units of one clause (`区财政局、区住建局配合`, `牵头单位：区发改委`), or `None` when the
/// clause is not a unit clause.
fn clause(c: &str) -> Option<(Role, Vec<String>)> {
    let c: String = c.chars().filter(|ch| !ch.is_whitespace()).collect();
    if let Some(at) = c.find(['：', ':']) {
        let (label, rest) = c.split_at(at);
        let rest = &rest[rest.chars().next()?.len_utf8()..];
        let role = LABELS.iter().find(|(l, _)| *l == label)?.1;
        let units = split_list(rest);
        return (!units.is_empty()).then_some((role, units));
    }
    let (suffix, role) = SUFFIXES.iter().find(|(s, _)| c.ends_with(s))?;
    let units: Vec<String> = split_list(&c[..c.len() - suffix.len()])
        .into_iter()
        // `区财政局、区住建局等配合`: the 等 is not part of the name.
        .map(|u| u.strip_suffix('等').map(str::to_owned).unwrap_or(u))
        .filter(|u| !u.is_empty())
        .collect();
    (!units.is_empty()).then_some((*role, units))
}

/// Splits a trailing unit annotation off a task text: `（区发改委牵头，区财政局配合）` at the
/// end, every clause (split on `，,；;`) a unit clause. Returns the text before the bracket
/// and the units; `None` when the text does not end in such a bracket.
pub(super) fn split_annotation(text: &str) -> Option<(&str, Listed)> {
    let text = text.trim_end();
    let close = text.chars().next_back()?;
    if close != '）' && close != ')' {
        return None;
    }
    // The matching opening bracket, counting nested ones.
    let mut depth = 0usize;
    let mut open = None;
    for (i, ch) in text.char_indices().rev() {
        match ch {
            '）' | ')' => depth += 1,
            '（' | '(' => {
                depth -= 1;
                if depth == 0 {
                    open = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let open = open?;
    let inner =
        &text[open + text[open..].chars().next()?.len_utf8()..text.len() - close.len_utf8()];
    let mut listed = Listed::default();
    for c in inner.split(['，', ',', '；', ';']) {
        if c.trim().is_empty() {
            continue;
        }
        let (role, units) = clause(c)?;
        match role {
            Role::Lead => listed.lead.extend(units),
            Role::Responsible => listed.responsible.extend(units),
            Role::Support => listed.support.extend(units),
        }
    }
    if listed.is_empty() {
        return None;
    }
    Some((text[..open].trim_end(), listed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(lead: Option<&str>, support: &[&str]) -> Units {
        Units {
            lead: lead.map(str::to_owned),
            support: support.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn lists_split_on_every_separator() {
        assert_eq!(
            split_list(
                " 区发改委、区财政局，区住建局,区水利局；区自然资源局;区林业局　区城管局\n区交通局 "
            ),
            [
                "区发改委",
                "区财政局",
                "区住建局",
                "区水利局",
                "区自然资源局",
                "区林业局",
                "区城管局",
                "区交通局"
            ]
        );
        assert!(split_list(" 、， ").is_empty());
    }

    #[test]
    fn the_first_unit_leads_and_none_is_listed_twice() {
        let l = Listed {
            lead: vec!["甲".into(), "乙".into()],
            responsible: vec!["乙".into(), "丙".into(), "甲".into()],
            support: vec!["丁".into()],
        };
        assert_eq!(l.resolve(), units(Some("甲"), &["乙", "丙", "丁"]));
        let l = Listed {
            responsible: vec!["丙".into(), "丁".into()],
            ..Default::default()
        };
        assert_eq!(l.resolve(), units(Some("丙"), &["丁"]));
        let l = Listed {
            support: vec!["丁".into()],
            ..Default::default()
        };
        assert_eq!(l.resolve(), units(None, &["丁"]));
    }

    #[test]
    fn annotations_in_the_forms_published_tables_use() {
        let (text, l) =
            split_annotation("推进老旧小区改造（区发改委牵头，区财政局、区住建局配合）").unwrap();
        assert_eq!(text, "推进老旧小区改造");
        assert_eq!(
            l.resolve(),
            units(Some("区发改委"), &["区财政局", "区住建局"])
        );
        let (_, l) =
            split_annotation("推进改造(牵头单位：区发改委；责任单位：区财政局、区住建局)").unwrap();
        assert_eq!(
            l.resolve(),
            units(Some("区发改委"), &["区财政局", "区住建局"])
        );
        let (_, l) = split_annotation("推进改造（区住建局负责）").unwrap();
        assert_eq!(l.resolve(), units(Some("区住建局"), &[]));
        let (_, l) = split_annotation("推进改造（区住建局牵头，各镇街负责）").unwrap();
        assert_eq!(l.resolve(), units(Some("区住建局"), &["各镇街"]));
        let (_, l) = split_annotation("推进改造（区住建局牵头，区财政局等配合）").unwrap();
        assert_eq!(l.resolve(), units(Some("区住建局"), &["区财政局"]));
        // Brackets that are part of the text are not annotations.
        assert!(split_annotation("建设洛阳市中试基地（一期）").is_none());
        assert!(split_annotation("完成改造（含配套设施），区住建局牵头").is_none());
        assert!(split_annotation("推进改造（区住建局牵头，年底前完成）").is_none());
        assert!(split_annotation("推进改造").is_none());
        assert!(split_annotation("（牵头）").is_none());
    }
}
