//! Search: hits equal a plain substring scan, ranking is sane, bad queries are safe.

use std::collections::BTreeSet;

use govreport::{Db, Error, SearchHit, SearchKind, SearchOptions, SearchOrder};

/// Every search document `(kind, id, text)`, built here independently of the library with
/// the texts the search is specified over.
fn documents(db: &Db) -> Vec<(String, i64, String)> {
    let sql = "SELECT 'paragraph', id, text FROM paragraph
               UNION ALL SELECT kind, id, metric || ' ' || quote FROM figure
               UNION ALL SELECT 'project', id, name || ' ' || quote FROM project
               UNION ALL SELECT 'place', id, name || ' ' || quote FROM place
               UNION ALL SELECT 'glossary', id, term || ' ' || definition FROM glossary_term";
    let conn = db.connection();
    let mut st = conn.prepare(sql).unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The plain scan: documents containing every whitespace-separated term, ASCII letters
/// compared case-insensitively (as `LIKE`).
fn scan(docs: &[(String, i64, String)], query: &str) -> BTreeSet<(String, i64)> {
    let terms: Vec<String> = query
        .split_whitespace()
        .map(|t| t.to_ascii_lowercase())
        .collect();
    docs.iter()
        .filter(|(_, _, text)| {
            let lower = text.to_ascii_lowercase();
            terms.iter().all(|t| lower.contains(t.as_str()))
        })
        .map(|(k, id, _)| (k.clone(), *id))
        .collect()
}

fn keys(hits: &[SearchHit]) -> BTreeSet<(String, i64)> {
    hits.iter().map(|h| (h.kind.clone(), h.id)).collect()
}

const QUERIES: &[&str] = &[
    // 1 character
    "储",
    "葡",
    "村",
    "镇",
    "亿", // 2 characters
    "储能",
    "氢能",
    "葡萄",
    "项目",
    "发展",
    "偃师", // 3 characters
    "二里头",
    "首阳山",
    "新能源", // 4 and more
    "老旧小区",
    "乡村振兴",
    "全钒液流电池",
    "中国式现代化", // Latin letters and digits
    "G310",
    "g310",
    "5G",
    "5g",
    "PM2.5",
    "pm10",
    "A级",
    "亿元",
    "2024",
    "1+N",
    "6%",
    // several terms
    "储能 项目",
    "储 能",
    "乡村 振兴 示范",
    "二里头 片区", // punctuation inside a term
    "“1+N”",
    "、",
    "。",
    "（一）", // nothing
    "不存在的词",
    "储能储能",
    "xyz",
];

#[test]
fn hits_equal_a_substring_scan() {
    let db = Db::open_default().unwrap();
    let docs = documents(&db);
    assert!(docs.len() > 300, "{} documents", docs.len());
    let mut nonempty = 0;
    for q in QUERIES {
        let want = scan(&docs, q);
        for order in [SearchOrder::Rank, SearchOrder::Index] {
            let opts = SearchOptions {
                order,
                ..SearchOptions::default()
            };
            let hits = db.search(q, &opts).unwrap();
            assert_eq!(keys(&hits).len(), hits.len(), "{q}: duplicate hits");
            assert_eq!(keys(&hits), want, "{q} ({order:?})");
        }
        if !want.is_empty() {
            nonempty += 1;
        }
    }
    assert!(nonempty >= 30, "only {nonempty} queries found anything");
}

#[test]
fn every_kind_is_searched_and_filtered() {
    let db = Db::open_default().unwrap();
    let docs = documents(&db);
    for q in ["储能", "村", "二里头", "项目", "四化"] {
        let all = scan(&docs, q);
        for kind in SearchKind::ALL {
            let opts = SearchOptions {
                kinds: Some(vec![kind]),
                ..SearchOptions::default()
            };
            let got = keys(&db.search(q, &opts).unwrap());
            let want: BTreeSet<_> = all
                .iter()
                .filter(|(k, _)| k == kind.as_str())
                .cloned()
                .collect();
            assert_eq!(got, want, "{q} / {kind:?}");
        }
    }
    // Each kind is found by some query.
    for (q, kind) in [
        ("储能", "paragraph"),
        ("新建5G基站", "target"),
        ("地区生产总值", "result"),
        ("储能", "project"),
        ("二里头片区", "place"),
        ("四化提升", "glossary"),
    ] {
        let hits = db.search(q, &SearchOptions::default()).unwrap();
        assert!(hits.iter().any(|h| h.kind == kind), "{q} finds no {kind}");
    }
    let none = SearchOptions {
        kinds: Some(vec![]),
        ..SearchOptions::default()
    };
    assert!(db.search("储能", &none).unwrap().is_empty());
}

#[test]
fn hits_carry_ids_paths_and_marked_snippets() {
    let db = Db::open_default().unwrap();
    let opts = SearchOptions {
        mark_start: "<<".into(),
        mark_end: ">>".into(),
        ..SearchOptions::default()
    };
    for q in ["储能", "G310", "二里头", "乡村振兴"] {
        let hits = db.search(q, &opts).unwrap();
        assert!(!hits.is_empty(), "{q}");
        for h in &hits {
            assert!(!h.section_path.is_empty(), "{q}: {h:?}");
            assert!(h.score > 0.0, "{q}: {h:?}"); // ranked: bm25
            assert!(
                h.snippet.contains(&format!("<<{q}>>")),
                "{q}: snippet {:?}",
                h.snippet
            );
            // Markers aside, the snippet is a piece of the original text.
            let plain = h.snippet.replace("<<", "").replace(">>", "");
            let core = plain.trim_start_matches('…').trim_end_matches('…');
            let docs = documents(&db);
            let (_, _, text) = docs
                .iter()
                .find(|(k, id, _)| *k == h.kind && *id == h.id)
                .unwrap();
            assert!(text.contains(core), "{q}: {core:?} not in {text:?}");
            assert!(core.chars().count() <= q.chars().count() + 40 + 1);
            if h.kind == "paragraph" {
                let p = db.paragraph(h.id).unwrap();
                assert_eq!(db.section(p.section_id).unwrap().path, h.section_path);
            }
        }
    }
    // A case-folded Latin match keeps the original case inside the markers.
    let hits = db.search("g310", &opts).unwrap();
    assert!(hits.iter().all(|h| h.snippet.contains("<<G310>>")));
}

#[test]
fn limit_and_offset_page_through_the_ranked_hits() {
    let db = Db::open_default().unwrap();
    for order in [SearchOrder::Rank, SearchOrder::Index] {
        let all = db
            .search(
                "村",
                &SearchOptions {
                    order,
                    ..SearchOptions::default()
                },
            )
            .unwrap();
        assert!(all.len() > 40);
        if order == SearchOrder::Rank {
            assert!(all.windows(2).all(|w| w[0].score >= w[1].score));
        }
        let mut paged = Vec::new();
        for page in 0.. {
            let hits = db
                .search(
                    "村",
                    &SearchOptions {
                        order,
                        limit: Some(7),
                        offset: page * 7,
                        ..SearchOptions::default()
                    },
                )
                .unwrap();
            if hits.is_empty() {
                break;
            }
            assert!(hits.len() <= 7);
            paged.extend(hits);
        }
        assert_eq!(paged, all, "{order:?}");
    }
    let opts = SearchOptions {
        limit: Some(0),
        ..SearchOptions::default()
    };
    assert!(db.search("村", &opts).unwrap().is_empty());
}

/// The id of the paragraph whose text starts with `start`.
fn paragraph_starting(db: &Db, start: &str) -> i64 {
    let report = db.report().unwrap();
    let ps = db.paragraphs(report.id).unwrap();
    let found: Vec<_> = ps.iter().filter(|p| p.text.starts_with(start)).collect();
    assert_eq!(found.len(), 1, "{start}");
    found[0].id
}

/// The id of the only paragraph that contains `part`.
fn paragraph_containing(db: &Db, part: &str) -> i64 {
    let report = db.report().unwrap();
    let ps = db.paragraphs(report.id).unwrap();
    let found: Vec<_> = ps.iter().filter(|p| p.text.contains(part)).collect();
    assert_eq!(found.len(), 1, "{part}");
    found[0].id
}

#[test]
fn a_paragraph_about_the_query_ranks_above_a_passing_mention() {
    let db = Db::open_default().unwrap();
    let cases = [
        // The paragraph about the two future industries vs. a base named in a list.
        (
            "储能",
            paragraph_starting(&db, "抢滩占先未来产业。紧盯储能和氢能"),
            paragraph_containing(&db, "谋划的星辰新能全钒液流电池及储能电站产业化基地"),
        ),
        (
            "氢能",
            paragraph_starting(&db, "抢滩占先未来产业。紧盯储能和氢能"),
            paragraph_containing(&db, "全钒液流电池材料、氢能等新型能源领域"),
        ),
        // The 2024 plan item on 老旧小区 (twice) vs. the 2023 review's count of them.
        (
            "老旧小区",
            paragraph_containing(&db, "6月底前完成2023年老旧小区改造项目"),
            paragraph_containing(&db, "个老旧小区改造项目全部开工"),
        ),
    ];
    for (q, about, passing) in cases {
        assert_ne!(about, passing);
        let opts = SearchOptions {
            kinds: Some(vec![SearchKind::Paragraph]),
            ..SearchOptions::default()
        };
        let hits = db.search(q, &opts).unwrap();
        let pos = |id: i64| hits.iter().position(|h| h.id == id).unwrap();
        assert!(
            pos(about) < pos(passing),
            "{q}: paragraph {about} should rank above {passing}: {hits:#?}"
        );
    }
}

#[test]
fn blank_queries_have_no_hits_and_odd_ones_are_searched_literally() {
    let db = Db::open_default().unwrap();
    let docs = documents(&db);
    // Search as you type: a blank box lists nothing, in either order, and is not an error.
    let index_order = SearchOptions {
        order: SearchOrder::Index,
        ..SearchOptions::default()
    };
    for q in ["", "   ", "\t\n", "\u{3000}"] {
        for opts in [&SearchOptions::default(), &index_order] {
            assert_eq!(db.search(q, opts).unwrap(), Vec::new(), "{q:?}");
        }
    }
    assert!(matches!(
        govreport::search::fts_expression(" "),
        Err(Error::InvalidArgument(_))
    ));
    for q in [
        "\"",
        "*",
        "NEAR(",
        "NEAR(储能 氢能)",
        "OR",
        "AND",
        "NOT",
        "a OR b",
        "储能\"",
        "\"储能",
        "储能*",
        "储*",
        "-储能",
        "body:储能",
        "{body}:储能",
        "^储能",
        "储能 + 氢能",
        "(",
        ")",
        "'",
        "';DROP TABLE paragraph;--",
        "%",
        "_",
        "\\",
        "\0",
    ] {
        for order in [SearchOrder::Rank, SearchOrder::Index] {
            let opts = SearchOptions {
                order,
                ..SearchOptions::default()
            };
            match db.search(q, &opts) {
                Ok(hits) => assert_eq!(keys(&hits), scan(&docs, q), "{q:?}"),
                Err(e) => panic!("{q:?}: {e}"),
            }
        }
    }
    // The database is untouched.
    assert!(db.paragraphs(1).unwrap().len() > 50);
}

#[test]
fn the_index_follows_a_rebuild_and_a_file_database() {
    let dir = std::env::temp_dir().join(format!("govreport-search-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("g.db");
    let _ = std::fs::remove_file(&path);
    let mut db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), govreport::SCHEMA_VERSION);
    assert_eq!(
        keys(&db.search("储能", &SearchOptions::default()).unwrap()).len(),
        8
    );
    db.connection()
        .execute(
            "UPDATE paragraph SET text = text || '钠离子电池' WHERE id = 47",
            [],
        )
        .unwrap();
    // Not indexed yet: the recheck still never yields a false hit.
    assert!(
        db.search("钠离子", &SearchOptions::default())
            .unwrap()
            .is_empty()
    );
    db.rebuild_search_index().unwrap();
    let hits = db.search("钠离子", &SearchOptions::default()).unwrap();
    assert_eq!(keys(&hits), BTreeSet::from([("paragraph".to_string(), 47)]));
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_version_2_file_is_migrated_with_its_index() {
    let dir = std::env::temp_dir().join(format!("govreport-search-v2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("v2.db");
    let _ = std::fs::remove_file(&path);
    {
        // A version 2 file: the current one without the tables that versions 3 and later add
        // (the steps up to version 2 tell which tables version 2 has).
        let v2 = rusqlite::Connection::open_in_memory().unwrap();
        for step in govreport::db::schema::STEPS {
            if step.version <= 2 {
                v2.execute_batch(step.sql).unwrap();
            }
        }
        let tables = |c: &rusqlite::Connection| -> Vec<String> {
            let mut st = c
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .unwrap();
            st.query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let keep = tables(&v2);
        let db = Db::open(&path).unwrap();
        let conn = db.connection();
        conn.execute_batch("PRAGMA foreign_keys = OFF; DROP TABLE search_index;")
            .unwrap();
        // Views (version 8 on) name columns a version-2 file lacks.
        let views: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'view'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for v in views {
            conn.execute_batch(&format!("DROP VIEW \"{v}\"")).unwrap();
        }
        for t in tables(conn) {
            if !keep.contains(&t) {
                conn.execute_batch(&format!("DROP TABLE IF EXISTS \"{t}\""))
                    .unwrap();
            }
        }
        conn.pragma_update(None, "user_version", 2).unwrap();
    }
    let db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), govreport::SCHEMA_VERSION);
    let docs = documents(&db);
    for q in ["储能", "村", "G310"] {
        let hits = db.search(q, &SearchOptions::default()).unwrap();
        assert_eq!(keys(&hits), scan(&docs, q), "{q}");
    }
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `n` distinct terms (`w0 w1 …`), as the quadratic-time reproducer of issue 10 used.
fn many_terms(n: usize) -> String {
    (0..n)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn queries_above_the_caps_are_refused_fast_naming_the_cap() {
    use govreport::search::{MAX_QUERY_BYTES, MAX_QUERY_TERMS};
    let db = Db::open_default().unwrap();
    let opts = SearchOptions::default();
    // 10k and 80k terms took 0.35 s and 35 s (quadratic in the distinct terms) before the caps.
    for n in [10_000, 80_000] {
        let q = many_terms(n);
        // (No timed assertion: the machines are noisy. BENCHMARKS.md has the figures.)
        let err = db.search(&q, &opts).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
        assert!(
            err.to_string().contains(&MAX_QUERY_BYTES.to_string()),
            "{err}"
        );
    }
    // Under the byte cap, the term cap: 64 distinct terms are searched, 65 are refused.
    let at_cap = many_terms(MAX_QUERY_TERMS);
    assert!(db.search(&at_cap, &opts).unwrap().is_empty());
    let above = many_terms(MAX_QUERY_TERMS + 1);
    let err = db.search(&above, &opts).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    assert!(err.to_string().contains("at most 64"), "{err}");
    // Repeated terms count once (case-insensitively): 1,000 copies of two words are searched.
    let repeated = "储能 Hydrogen hydrogen ".repeat(150);
    assert!(repeated.len() <= MAX_QUERY_BYTES);
    assert_eq!(
        keys(&db.search(&repeated, &opts).unwrap()),
        keys(&db.search("储能 hydrogen", &opts).unwrap())
    );
    // The byte cap is exact: 4096 bytes are accepted, 4097 refused.
    let exact = "a".repeat(MAX_QUERY_BYTES);
    assert!(db.search(&exact, &opts).is_ok());
    let err = db.search(&format!("{exact}a"), &opts).unwrap_err();
    assert!(err.to_string().contains("at most 4096 bytes"), "{err}");
}

#[test]
fn every_hit_opens_with_record_and_glossary_ids_are_unique() {
    use govreport::search::Record;
    let db = Db::open_default().unwrap();
    let hits = db.search("区", &SearchOptions::default()).unwrap();
    let kinds: BTreeSet<&str> = hits.iter().map(|h| h.kind.as_str()).collect();
    assert!(kinds.len() >= 5, "{kinds:?}");
    for hit in &hits {
        let kind = SearchKind::from_name(&hit.kind).unwrap();
        let record = db.record(kind, hit.id).unwrap();
        assert_eq!(record.kind(), kind);
        // The same object the kind's own getter gives.
        let direct = match kind {
            SearchKind::Paragraph => serde_json::to_value(db.paragraph(hit.id).unwrap()),
            SearchKind::Target => serde_json::to_value(db.target(hit.id).unwrap()),
            SearchKind::Result => serde_json::to_value(db.result(hit.id).unwrap()),
            SearchKind::Project => serde_json::to_value(db.project(hit.id).unwrap()),
            SearchKind::Place => serde_json::to_value(db.place(hit.id).unwrap()),
            SearchKind::Glossary => serde_json::to_value(db.glossary_term(hit.id).unwrap()),
        };
        assert_eq!(serde_json::to_value(&record).unwrap(), direct.unwrap());
    }
    // A glossary hit's id is the entry's row id (the export's `id`): in the first report the
    // number that `glossary_term` takes.
    let mut glossary_hits = 0;
    for hit in db
        .search(
            "工程",
            &SearchOptions {
                kinds: Some(vec![SearchKind::Glossary]),
                ..SearchOptions::default()
            },
        )
        .unwrap()
    {
        let Record::Glossary(term) = db.record(SearchKind::Glossary, hit.id).unwrap() else {
            panic!("not a glossary entry");
        };
        assert_eq!((term.id, term.n), (hit.id, hit.id));
        glossary_hits += 1;
    }
    assert!(glossary_hits >= 3, "十大工程, 双百工程, 五大工程");
    assert!(matches!(
        db.record(SearchKind::Glossary, 999_999),
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        db.record(SearchKind::Target, 999_999),
        Err(Error::NotFound(_))
    ));
}
