//! `strata version`

use strata_config::TERRAFORM_COMPAT_VERSION;

pub fn run(json: bool) -> u8 {
    let platform = format!(
        "{}_{}",
        std::env::consts::OS,
        if std::env::consts::ARCH == "x86_64" { "amd64" } else { std::env::consts::ARCH }
    );
    if json {
        let v = serde_json::json!({
            "strata_version": env!("CARGO_PKG_VERSION"),
            "terraform_version": TERRAFORM_COMPAT_VERSION,
            "platform": platform,
            "provider_selections": {},
        });
        println!("{}", serde_json::to_string_pretty(&v).expect("json"));
    } else {
        println!("Strata v{}\non {platform}\n\nCompatible with the Terraform {TERRAFORM_COMPAT_VERSION} language and state format.", env!("CARGO_PKG_VERSION"));
    }
    0
}
