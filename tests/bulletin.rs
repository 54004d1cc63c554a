//! The 督查通报 of a SYNTHETIC half year: progress generated here (labelled SYNTHETIC, not from
//! any office) for the built-in report's commitments, targets and a generated key-project
//! register; the bulletin written as DOCX and HTML and checked — the DOCX's text holds the
//! summary and every lagging item, the HTML renders in headless Chromium to a non-blank
//! image, the counts equal the evaluation's, and a late correction leaves an earlier month's
//! bulletin as it was.

use std::io::Read;
use std::path::{Path, PathBuf};

use govreport::registers::synthetic::{ProjectOptions, project_register};
use govreport::tracking::{ProjectFields, WorkStatus};
use govreport::{
    CommitmentKind, Db, EvaluationConfig, FileFormat, ImportOptions, Light, NewProgress,
    SubjectKind,
};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("govreport-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn commitment_record(id: i64, period: &str, status: WorkStatus, reported_at: &str) -> NewProgress {
    NewProgress {
        subject_kind: SubjectKind::Commitment,
        subject_id: id,
        period: period.into(),
        work_status: Some(status),
        progress_text: Some(format!("SYNTHETIC 合成进展 {id} {period}")),
        problems: (status == WorkStatus::Lagging).then(|| format!("SYNTHETIC 合成问题 {id}")),
        next_steps: (status == WorkStatus::Lagging).then(|| format!("SYNTHETIC 合成措施 {id}")),
        reported_by: Some("SYNTHETIC".into()),
        reported_at: Some(reported_at.into()),
        ..Default::default()
    }
}

/// A file database with a SYNTHETIC half year of records: every qualitative commitment
/// reports monthly — every 5th done by May, every 7th 滞后 in June, every 11th silent since
/// March —; the headline targets report values (growth rates at half their target: behind);
/// a 30-project register reports investment for June.
fn half_year(dir: &TempDir) -> (Db, PathBuf) {
    let path = dir.path("office.db");
    let mut db = Db::open(&path).unwrap();
    let commitments = db.commitments(&Default::default()).unwrap();
    let mut batch = Vec::new();
    for c in commitments
        .iter()
        .filter(|c| c.kind == CommitmentKind::Qualitative)
    {
        for month in 1..=6 {
            if c.id % 11 == 0 && month >= 3 {
                continue;
            }
            let status = if c.id % 5 == 0 && month >= 5 {
                WorkStatus::Done
            } else if c.id % 7 == 0 && month == 6 {
                WorkStatus::Lagging
            } else {
                WorkStatus::InProgress
            };
            let period = format!("2024-{month:02}");
            batch.push(commitment_record(
                c.id,
                &period,
                status,
                &format!("2024-{:02}-25", month),
            ));
        }
    }
    for t in db.targets(&Default::default()).unwrap().iter().take(11) {
        let mut r = NewProgress::target(t.id, "2024-06", t.value / 2.0, &t.unit);
        r.reported_at = Some("2024-06-28".into());
        batch.push(r);
    }
    for r in &batch {
        db.add_progress(r).unwrap();
    }
    let register = project_register(
        &ProjectOptions {
            rows: 30,
            total_wan: 500_000,
            annual_wan: 200_000,
            seed: 7,
        },
        FileFormat::Csv,
    )
    .unwrap();
    db.import_projects_bytes(
        1,
        "SYNTHETIC.csv",
        &register,
        FileFormat::Csv,
        &ImportOptions::default(),
    )
    .unwrap();
    let ids: Vec<i64> = db
        .register_projects(1)
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    for (i, id) in ids.iter().enumerate() {
        let mut r = NewProgress::project(
            SubjectKind::RegisterProject,
            *id,
            "2024-06",
            ProjectFields {
                invested_to_date: Some(500.0 + 300.0 * i as f64),
                invest_unit: Some("万元".into()),
                ..Default::default()
            },
        );
        r.reported_at = Some("2024-06-26".into());
        db.add_progress(&r).unwrap();
    }
    (db, path)
}

fn document_xml(path: &Path) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).expect("the DOCX is a zip package");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

fn xml_escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn a_half_year_bulletin_as_docx_and_html() {
    let dir = TempDir::new("bulletin");
    let (db, _) = half_year(&dir);
    let config = EvaluationConfig::default();
    let bulletin = db.bulletin("2024-06", &config).unwrap();
    // Its counts are the evaluation's.
    let evaluated = db.evaluate_commitments("2024-06", &config).unwrap();
    let lit = |l: Light| evaluated.iter().filter(|c| c.light == Some(l)).count();
    assert_eq!(bulletin.counts.total, evaluated.len());
    assert_eq!(bulletin.counts.red, lit(Light::Red));
    assert_eq!(bulletin.counts.yellow, lit(Light::Yellow));
    assert_eq!(bulletin.counts.normal, lit(Light::Green) + lit(Light::Blue));
    assert_eq!(bulletin.lagging.len(), lit(Light::Red) + lit(Light::Yellow));
    assert!(bulletin.counts.red > 0 && bulletin.counts.yellow > 0 && bulletin.counts.done > 0);
    assert!(
        bulletin
            .summary
            .starts_with(&format!("{}项任务中的", evaluated.len()))
    );
    let projects = bulletin.projects.as_ref().expect("the register section");
    assert_eq!(projects.reporting, 30);
    assert!(!projects.bars.is_empty());

    let docx = dir.path("bulletin.docx");
    db.write_bulletin("2024-06", &config, &docx).unwrap();
    let xml = document_xml(&docx);
    assert!(xml.contains(&xml_escaped(&bulletin.summary)), "the summary");
    for item in &bulletin.lagging {
        assert!(
            xml.contains(&xml_escaped(&item.quote)),
            "lagging item {}",
            item.commitment_id
        );
        if let Some(p) = &item.problems {
            assert!(xml.contains(&xml_escaped(p)));
        }
    }
    let html_path = dir.path("bulletin.html");
    db.write_bulletin("2024-06", &config, &html_path).unwrap();
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains(&xml_escaped(&bulletin.summary)));
    assert_eq!(html, bulletin.to_html());

    // Existing files and unknown extensions are refused, the file unchanged.
    let before = std::fs::read(&docx).unwrap();
    assert!(db.write_bulletin("2024-06", &config, &docx).is_err());
    assert_eq!(std::fs::read(&docx).unwrap(), before);
    assert!(
        db.write_bulletin("2024-06", &config, dir.path("b.pdf"))
            .is_err()
    );
    assert!(!dir.path("b.pdf").exists());
    assert!(
        db.write_bulletin("2024-13", &config, dir.path("c.html"))
            .is_err()
    );
    assert!(!dir.path("c.html").exists() && !dir.path("c.html.partial").exists());

    screenshot_is_not_blank(&html_path, &dir.path("bulletin.png"));
}

/// Renders the page in headless Chromium (Debian's `chromium`) and checks the screenshot has
/// ink: dark pixels (text) and the lights' colours. Required in CI (`CI` set); elsewhere a
/// machine without Chromium skips this part with a message.
fn screenshot_is_not_blank(html: &Path, png: &Path) {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            std::process::Command::new(c)
                .arg("--version")
                .output()
                .is_ok()
        });
    let Some(chromium) = chromium else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (Debian's package) for the bulletin screenshot"
        );
        eprintln!("chromium not installed: the screenshot check is skipped on this machine");
        return;
    };
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1200,2400",
        ])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        png.is_file(),
        "chromium wrote no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = &buf[..info.buffer_size()];
    let dark = pixels
        .chunks(channels)
        .filter(|p| p[..3].iter().all(|&c| c < 96))
        .count();
    let red = pixels
        .chunks(channels)
        .filter(|p| p[0] > 150 && p[1] < 80 && p[2] < 80)
        .count();
    let total = pixels.len() / channels;
    assert!(
        dark * 200 > total,
        "text on the page: {dark} dark of {total} pixels"
    );
    assert!(red > 0, "the red lights and bars");
    if let Ok(keep) = std::env::var("GOVREPORT_KEEP_SCREENSHOT") {
        std::fs::copy(png, keep).unwrap();
    }
}

#[test]
fn a_late_correction_leaves_the_earlier_bulletin_as_it_was() {
    let dir = TempDir::new("bulletin-late");
    let (mut db, _) = half_year(&dir);
    let march = EvaluationConfig {
        known_at: Some("2024-03-31".into()),
        ..Default::default()
    };
    let before = db.bulletin("2024-03", &march).unwrap();
    // In April the office corrects a March record: commitment 14's report said 推进中, it
    // was 滞后 (SYNTHETIC).
    let c = db
        .commitments(&Default::default())
        .unwrap()
        .into_iter()
        .find(|c| c.kind == CommitmentKind::Qualitative && c.id % 11 != 0 && c.id % 7 != 0)
        .unwrap();
    let history = db.progress_history(SubjectKind::Commitment, c.id).unwrap();
    let march_record = history.iter().find(|r| r.period == "2024-03").unwrap();
    let mut fix = commitment_record(c.id, "2024-03", WorkStatus::Lagging, "2024-04-10");
    fix.supersedes_id = Some(march_record.id);
    db.add_progress(&fix).unwrap();
    // The March bulletin as known at the end of March is unchanged …
    assert_eq!(db.bulletin("2024-03", &march).unwrap(), before);
    // … and the March evaluation as known now shows the correction.
    let now = db
        .bulletin("2024-03", &EvaluationConfig::default())
        .unwrap();
    assert_eq!(now.counts.red, before.counts.red + 1);
    assert!(now.lagging.iter().any(|l| l.commitment_id == c.id));
}
