//! Prints the whole dataset as one JSON document (the shape README.md documents).
//!
//! Run: `cargo run --example export > yanshi-2024.json`

fn main() -> Result<(), govreport::Error> {
    let db = govreport::Db::open_default()?;
    println!("{}", db.export_json()?);
    Ok(())
}
