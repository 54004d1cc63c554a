//! Unit tests of the search module (tokens, FTS5 expressions, query terms).

use super::*;

#[test]
fn kinds_are_listed_in_code_order() {
    // ONE_SQL is indexed by kind code.
    for (i, k) in SearchKind::ALL.iter().enumerate() {
        assert_eq!(k.code(), i as i64);
    }
}

#[test]
fn tokens() {
    assert_eq!(index_tokens("紧盯储能，5G"), "紧盯 盯储 储能 5g");
    assert_eq!(index_tokens("“1+N”产业"), "1 n 产业");
    assert_eq!(index_tokens("储，能"), "储 能");
    assert_eq!(index_tokens(""), "");
    assert_eq!(index_tokens("，。"), "");
}

#[test]
fn expressions() {
    assert_eq!(
        fts_expression("储 储能 二里头 PM2.5").unwrap().unwrap(),
        "\"储能\" AND \"二里 里头\" AND \"pm m2\" AND \"5\"*"
    );
    assert_eq!(fts_expression("\" * ，").unwrap(), None);
    assert_eq!(
        fts_expression("NEAR( a OR b").unwrap().unwrap(),
        "\"ne ea ar\" AND \"or\""
    );
    assert!(matches!(
        fts_expression(" \t"),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn snippets() {
    let t = "一二三四五六七八九十一二三四五六七八九十一二三四五储能六七八九十一二三四五六七八九十一二三四五六";
    let s = make_snippet(t, &["储能".into()], "[", "]");
    assert_eq!(
        s,
        "…六七八九十一二三四五六七八九十一二三四五[储能]六七八九十一二三四五六七八九十一二三四五…"
    );
    assert_eq!(
        make_snippet("推动5G基站", &["5g".into()], "<", ">"),
        "推动<5G>基站"
    );
}
