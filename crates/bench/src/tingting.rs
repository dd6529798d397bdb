//! Driving the `tingting` binary: admin commands, a measured import, and a server process.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use serde_json::Value;

use crate::procfs;
use crate::util::{mib, secs};

/// How often the import and server processes are sampled.
const POLL: Duration = Duration::from_millis(50);
/// How often a running import reports progress.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// The `tingting` binary and the database it works on.
#[derive(Debug, Clone)]
pub struct Tingting {
    pub binary: PathBuf,
    pub database: String,
}

impl Tingting {
    fn command(&self) -> Command {
        let mut c = Command::new(&self.binary);
        c.arg("--database")
            .arg(&self.database)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null());
        c
    }

    /// Runs an admin command to completion and returns its trimmed stdout.
    pub fn admin(&self, args: &[&str]) -> anyhow::Result<String> {
        let out = self
            .command()
            .args(args)
            .output()
            .with_context(|| format!("cannot run {}", self.binary.display()))?;
        if !out.status.success() {
            bail!(
                "`tingting {}` failed ({}): {}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8(out.stdout)?.trim().to_string())
    }

    /// Runs `tingting import --account NUMBER FILE`, sampling its memory every 50 ms.
    pub fn import(&self, account: &str, file: &Path) -> anyhow::Result<ImportRun> {
        let started = Instant::now();
        let mut child = self
            .command()
            .args(["import", "--account", account])
            .arg(file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run {}", self.binary.display()))?;
        let pid = child.id();
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let mut peak = procfs::Memory::default();
        let mut cpu = 0.0;
        let mut next_report = started + PROGRESS_EVERY;
        let status = loop {
            if let Some(m) = procfs::memory(pid) {
                peak.hwm_kib = peak.hwm_kib.max(m.hwm_kib).max(m.rss_kib);
                peak.rss_kib = peak.rss_kib.max(m.rss_kib);
            }
            if let Some(c) = procfs::cpu_seconds(Some(pid)) {
                cpu = c;
            }
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if Instant::now() >= next_report {
                next_report += PROGRESS_EVERY;
                let progress = procfs::file_position(pid, file)
                    .filter(|_| size > 0)
                    .map(|pos| {
                        format!(
                            "{:.0}% of the file read, ",
                            pos as f64 * 100.0 / size as f64
                        )
                    })
                    .unwrap_or_default();
                println!(
                    "    … {:.0} s: {progress}RSS {} (peak {}), CPU {cpu:.1} s",
                    started.elapsed().as_secs_f64(),
                    mib(peak.rss_kib),
                    mib(peak.hwm_kib),
                );
            }
            std::thread::sleep(POLL);
        };
        let elapsed = started.elapsed();
        let stdout = join(stdout);
        let stderr = join(stderr);
        let report: Value = serde_json::from_str(&stdout).map_err(|e| {
            anyhow!(
                "import ({status}) printed no JSON report ({e}); stdout: {:?}; stderr: {}",
                stdout.trim(),
                stderr.trim()
            )
        })?;
        Ok(ImportRun {
            elapsed,
            peak,
            cpu_seconds: cpu,
            status,
            report,
            stderr,
        })
    }

    /// Starts `tingting serve --listen 127.0.0.1:0 EXTRA` and waits for its listening line.
    pub fn serve(&self, extra: &[String]) -> anyhow::Result<Server> {
        let mut child = self
            .command()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot run {}", self.binary.display()))?;
        let pid = child.id();
        let stdout = child.stdout.take().context("no stdout")?;
        let (tx, rx) = mpsc::channel();
        // Reads the listening line, then keeps draining stdout so the server never blocks on it.
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.trim().strip_prefix("tingting listening on http://") {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(addr.to_string());
                    }
                }
            }
        });
        let mut server = Server {
            child,
            pid,
            addr: String::new(),
            cpu_at_kill: None,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match rx.recv_timeout(POLL) {
                Ok(addr) => {
                    server.addr = addr;
                    return Ok(server);
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = server.child.wait()?;
                    bail!("the server exited ({status}) without saying where it listens");
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(status) = server.child.try_wait()? {
                        bail!("the server exited ({status}) before listening");
                    }
                    if Instant::now() >= deadline {
                        bail!("the server did not print its listening line within 60 s");
                    }
                }
            }
        }
    }
}

/// A finished import.
#[derive(Debug)]
pub struct ImportRun {
    pub elapsed: Duration,
    /// Peak memory seen while it ran (`hwm_kib`: max of VmHWM and VmRSS samples).
    pub peak: procfs::Memory,
    pub cpu_seconds: f64,
    pub status: ExitStatus,
    pub report: Value,
    pub stderr: String,
}

/// A running `tingting serve`; killed on drop if not stopped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pub pid: u32,
    /// `IP:PORT`.
    pub addr: String,
    /// CPU seconds it had used when [`Server::kill`] killed it.
    cpu_at_kill: Option<f64>,
}

impl Server {
    /// `http://IP:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Whether [`Server::kill`] killed it.
    pub fn killed(&self) -> bool {
        self.cpu_at_kill.is_some()
    }

    /// User plus system CPU seconds it has used (until its kill, once killed).
    pub fn cpu_seconds(&self) -> f64 {
        self.cpu_at_kill
            .or_else(|| procfs::cpu_seconds(Some(self.pid)))
            .unwrap_or(0.0)
    }

    /// Kills it with SIGKILL (a crash: no clean shutdown) and reaps it.
    pub fn kill(&mut self) -> anyhow::Result<()> {
        let cpu = self.cpu_seconds();
        self.child
            .kill()
            .with_context(|| format!("cannot kill the server (pid {})", self.pid))?;
        self.child.wait()?;
        self.cpu_at_kill = Some(cpu);
        Ok(())
    }

    /// Sends SIGTERM with the `kill` command and waits for a clean exit (SIGKILL after 20 s).
    pub fn stop(mut self) -> anyhow::Result<(ExitStatus, Duration)> {
        let started = Instant::now();
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .context("cannot run kill")?;
        if !sent.success() {
            bail!("kill -TERM {} failed ({sent})", self.pid);
        }
        let deadline = started + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok((status, started.elapsed()));
            }
            if Instant::now() >= deadline {
                self.child.kill()?;
                let status = self.child.wait()?;
                bail!(
                    "the server ignored SIGTERM for {}; killed ({status})",
                    secs(started.elapsed())
                );
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> Option<JoinHandle<String>> {
    pipe.map(|mut p| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = p.read_to_string(&mut s);
            s
        })
    })
}

fn join(handle: Option<JoinHandle<String>>) -> String {
    handle.and_then(|h| h.join().ok()).unwrap_or_default()
}
