//! Golden states written by Terraform (see state-fixtures/README.md): each
//! reads, and writes back byte for byte as Terraform wrote it.

use strata_state::StateFile;

#[test]
fn terraform_states_round_trip_byte_for_byte() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../state-fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("state-fixtures exists") {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("tfstate") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let state = StateFile::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(state.to_json(), text, "{} does not round-trip", path.display());
        seen += 1;
    }
    assert!(seen >= 1, "no fixtures found");
}
