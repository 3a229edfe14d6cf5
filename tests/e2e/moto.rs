//! A real `moto_server` (AWS APIs) on 127.0.0.1 for the tests that talk to
//! AWS: one server per test process (scripts/test.sh installs moto[server]
//! into the venv; `STRATA_TEST_MOTO_ENDPOINT` may name one already
//! running), and boto3 to look at or change things behind Strata's back.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

pub struct Moto {
    pub endpoint: String,
    pub python: PathBuf,
}

pub fn venv() -> PathBuf {
    std::env::var_os("STRATA_VENV_DIR").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/tmp".into())).join(".cache/strata/venv")
    })
}

/// One moto server for the whole test process (it stops by itself after
/// 30 minutes at the latest: the whole suite is well under that).
pub fn moto() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(|| {
        let python = venv().join("bin/python");
        if let Ok(endpoint) = std::env::var("STRATA_TEST_MOTO_ENDPOINT") {
            return Moto { endpoint, python };
        }
        let server = venv().join("bin/moto_server");
        assert!(
            server.exists(),
            "{} is missing: run scripts/test.sh, which installs moto[server] into {}",
            server.display(),
            venv().display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        // Its request log and tracebacks (a 500 is moto failing, not us)
        // go where scripts/test.sh shows them when a test fails.
        let log = match std::env::var_os("STRATA_TEST_LOG_DIR") {
            Some(dir) => std::fs::File::create(PathBuf::from(dir).join(format!("moto-{port}.log")))
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null()),
            None => Stdio::null(),
        };
        let mut server = Command::new("timeout")
            .args(["1800", server.to_str().unwrap(), "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("moto_server starts");
        // Reaped when it stops (at the latest when `timeout` ends it).
        std::thread::spawn(move || server.wait());
        let endpoint = format!("http://127.0.0.1:{port}");
        for _ in 0..150 {
            if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
                let _ = s.write_all(b"GET /moto-api/ HTTP/1.0\r\n\r\n");
                let mut buf = [0u8; 12];
                if s.read_exact(&mut buf).is_ok() && buf.starts_with(b"HTTP/1.") {
                    return Moto { endpoint, python };
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("moto_server did not answer on {endpoint}");
    })
}

pub const ENV: [(&str, &str); 4] = [
    ("AWS_ACCESS_KEY_ID", "test"),
    ("AWS_SECRET_ACCESS_KEY", "test"),
    ("AWS_REGION", "us-east-1"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
];

/// Runs boto3 against moto: `s3`, `ddb` and `ec2` (us-east-1) are clients; prints what the
/// script prints.
pub fn aws(script: &str) -> String {
    let m = moto();
    let prelude = format!(
        "import boto3, json, sys\ns3 = boto3.client('s3', endpoint_url='{e}', region_name='us-east-1')\nddb = boto3.client('dynamodb', endpoint_url='{e}', region_name='us-east-1')\nec2 = boto3.client('ec2', endpoint_url='{e}', region_name='us-east-1')\n",
        e = m.endpoint
    );
    let out =
        Command::new(&m.python).arg("-c").arg(format!("{prelude}{script}")).envs(ENV).output().expect("python runs");
    assert!(out.status.success(), "boto3 script failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}
