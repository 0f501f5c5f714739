//! Runs the real `portico` binary in a temporary working directory.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The start of every line the server logged (its stderr) in [`Portico::output`].
pub const LOG_LINE: &str = "log| ";

pub struct Portico {
    pub child: Child,
    lines: mpsc::Receiver<String>,
    pub stdout: Vec<String>,
}

pub fn command(dir: &Path) -> Command {
    command_for(Path::new(env!("CARGO_BIN_EXE_portico")), dir)
}

/// `binary` run in `dir`, with no `PORTICO_*` setting inherited from the caller.
pub fn command_for(binary: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new(binary);
    cmd.current_dir(dir)
        .env_remove("PORTICO_ADMIN_PASSWORD")
        .env("PORTICO_LOG__LEVEL", "warn");
    for (k, _) in std::env::vars() {
        if k.starts_with("PORTICO_") && k != "PORTICO_TEST_POSTGRES" {
            cmd.env_remove(k);
        }
    }
    cmd
}

impl Portico {
    /// Starts `portico serve` and waits until it reports that it is listening. Its
    /// output and its log are read as one stream of lines, the log's marked with
    /// [`LOG_LINE`].
    pub fn start(mut cmd: Command) -> Portico {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn portico");
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        let pipes = [
            (Box::new(out) as Box<dyn std::io::Read + Send>, ""),
            (Box::new(err), LOG_LINE),
        ];
        for (pipe, mark) in pipes {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if tx.send(format!("{mark}{line}")).is_err() {
                        break;
                    }
                }
            });
        }
        let mut p = Portico {
            child,
            lines: rx,
            stdout: Vec::new(),
        };
        p.wait_for("Portico is running");
        p
    }

    pub fn wait_for(&mut self, needle: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while std::time::Instant::now() < deadline {
            match self.lines.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    let hit = line.contains(needle);
                    self.stdout.push(line);
                    if hit {
                        return;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Ok(Some(status)) = self.child.try_wait() {
                        panic!("portico exited with {status}: {:?}", self.stdout);
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    panic!("portico closed stdout before `{needle}`: {:?}", self.stdout)
                }
            }
        }
        panic!("timed out waiting for `{needle}`: {:?}", self.stdout);
    }

    pub fn output(&self) -> String {
        self.stdout.join("\n")
    }

    /// Sends SIGTERM and returns the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        self.child.wait().expect("wait")
    }
}

impl Drop for Portico {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// A random offset in 10000..23000: every port it shifts stays below the kernel's range
/// for outgoing connections.
pub fn random_offset() -> u16 {
    use rand_core::RngCore;
    10_000 + (rand_core::OsRng.next_u32() % 13_000) as u16
}

/// A port offset whose four ports are free right now, all below the ports the kernel
/// hands out to outgoing connections (32768 and up), so none is taken that way between
/// this check and the server's bind.
pub fn free_offset() -> u16 {
    loop {
        let offset = random_offset();
        let ok = [9443u16, 8243, 8280, 9464]
            .iter()
            .all(|p| std::net::TcpListener::bind(("0.0.0.0", p + offset)).is_ok());
        if ok {
            return offset;
        }
    }
}

/// Runs `cmd` to its end, feeding it `stdin`; its output and log are captured.
pub fn run_fed(mut cmd: Command, stdin: &str) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Runs an admin subcommand in `dir`, feeding `stdin`, and parses its `--json` output.
pub fn admin_json(dir: &std::path::Path, args: &[&str], stdin: &str) -> serde_json::Value {
    let mut cmd = command(dir);
    cmd.args(args);
    let out = run_fed(cmd, stdin);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// With the CLI in `dir` (a key manager's or an `all` node's): user `dev`, the API
/// `/shop/1` with `GET /menu` in front of `upstream`, and `dev`'s application subscribed
/// to it with production keys; returns the consumer key and secret.
pub fn provision_shop(dir: &std::path::Path, upstream: &str) -> (String, String) {
    let run = |args: &[&str], stdin: &str| admin_json(dir, args, stdin);
    let user = [
        "user",
        "create",
        "--username",
        "dev",
        "--password-stdin",
        "--json",
    ];
    run(&user, "dev-password-1\n");
    let api = [
        "api",
        "create",
        "--name",
        "Shop",
        "--version",
        "1",
        "--context",
        "/shop/1",
        "--backend",
        upstream,
        "--publish",
        "--json",
    ];
    let api = run(&api, "")["id"].as_str().unwrap().to_owned();
    let resource = [
        "api", "resource", "--api", &api, "--method", "get", "--path", "/menu", "--json",
    ];
    run(&resource, "");
    let app = [
        "app", "create", "--owner", "dev", "--name", "Shop", "--json",
    ];
    let app = run(&app, "")["id"].as_str().unwrap().to_owned();
    run(
        &["app", "subscribe", "--app", &app, "--api", &api, "--json"],
        "",
    );
    let keys = run(&["keys", "generate", "--app", &app, "--json"], "");
    let field = |k: &str| keys[k].as_str().unwrap().to_owned();
    (field("consumer_key"), field("consumer_secret"))
}
