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

/// The `search_document` view (migration 0008, for other tools) keys and texts every document
/// exactly as the index was built from.
#[test]
fn the_search_document_view_is_what_the_index_holds() {
    let db = Db::open_default().unwrap();
    let conn = db.connection();
    for kind in SearchKind::ALL {
        let mut st = conn.prepare(&kind.source().all_sql()).unwrap();
        let built: Vec<(i64, String)> = st
            .query_map([], |r| {
                Ok((kind.code() << KEY_BITS | r.get::<_, i64>(0)?, r.get(1)?))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let mut st = conn
            .prepare("SELECT key, text FROM search_document WHERE kind = ?1 ORDER BY key")
            .unwrap();
        let view: Vec<(i64, String)> = st
            .query_map([kind.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(!built.is_empty(), "{kind:?}");
        assert_eq!(view, built, "{kind:?}");
    }
}

/// Search in SQL (README, "Other tools"): the MATCH of `govreport_search_expr(q)` joined with
/// `search_document` gives the same records as `Db::search` for Chinese queries of 2+
/// characters, and the hand-written bigram phrase gives the same as the function.
#[test]
fn search_in_sql_finds_what_the_library_finds() {
    let db = Db::open_default().unwrap();
    let sql = "SELECT d.kind, d.id FROM search_index s JOIN search_document d ON d.key = s.rowid \
               WHERE search_index MATCH govreport_search_expr(?1) ORDER BY d.kind, d.id";
    for (query, phrase) in [
        ("乡村振兴", "\"乡村 村振 振兴\""),
        ("储能", "\"储能\""),
        ("二里头", "\"二里 里头\""),
        ("老旧小区", "\"老旧 旧小 小区\""),
    ] {
        let params = serde_json::json!([query]).to_string();
        let rows: Vec<serde_json::Value> =
            serde_json::from_str(&db.query_json(sql, Some(&params)).unwrap()).unwrap();
        let mut from_sql: Vec<(String, i64)> = rows
            .iter()
            .map(|r| {
                (
                    r["kind"].as_str().unwrap().to_string(),
                    r["id"].as_i64().unwrap(),
                )
            })
            .collect();
        from_sql.sort();
        let mut from_lib: Vec<(String, i64)> = db
            .search(query, &SearchOptions::default())
            .unwrap()
            .into_iter()
            .map(|h| (h.kind.as_str().to_string(), h.id))
            .collect();
        from_lib.sort();
        assert!(!from_lib.is_empty(), "{query}");
        assert_eq!(from_sql, from_lib, "{query}");
        let by_hand = sql.replace("govreport_search_expr(?1)", &format!("'{phrase}'"));
        let rows: Vec<serde_json::Value> =
            serde_json::from_str(&db.query_json(&by_hand, None).unwrap()).unwrap();
        assert_eq!(rows.len(), from_sql.len(), "{query} by hand");
    }
    // 乡村振兴 is in 7 paragraphs (the figure the README gives).
    let n: i64 = db
        .connection()
        .query_row(
            "SELECT count(*) FROM paragraph WHERE text LIKE '%乡村振兴%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 7);
    // A blank query gives no condition (NULL): MATCH NULL finds nothing; an oversized one is an
    // SQL error naming the cap.
    let blank: Option<String> = db
        .connection()
        .query_row("SELECT govreport_search_expr('  ')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(blank, None);
    let long = "储能".repeat(2000);
    let err = db
        .connection()
        .query_row("SELECT govreport_search_expr(?1)", [&long], |r| {
            r.get::<_, Option<String>>(0)
        })
        .unwrap_err();
    assert!(err.to_string().contains("4096"), "{err}");
}
