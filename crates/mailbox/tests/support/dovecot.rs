//! A private dovecot IMAP server for one test.
//!
//! Everything lives in a fresh temporary directory: configuration, certificate, sockets, state,
//! log and maildir. The listeners are on random free loopback ports, so tests can run in
//! parallel, each with its own server; nothing of the system dovecot installation is used but
//! its binaries (`/etc/dovecot` is never read).

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mailbox::CertificateDer;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use tempfile::TempDir;

const USER: &str = "shop";
const PASSWORD: &str = "secret";
/// How long dovecot may take to start, or to release its ports.
const DEADLINE: Duration = Duration::from_secs(20);
/// How long dovecot gets to shut down cleanly before it is killed.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);
/// Pause between two checks while waiting for dovecot.
const POLL: Duration = Duration::from_millis(20);

/// Makes maildir file names and greetings unique within this test process.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A running dovecot; stopped, with all of its processes, on drop.
pub struct Dovecot {
    dir: TempDir,
    binary: PathBuf,
    child: Option<Child>,
    imap_port: u16,
    imaps_port: u16,
    ca_cert: CertificateDer<'static>,
    /// `login_greeting` of this instance, to recognise it on its port.
    greeting: String,
    /// Owner of the maildir: dovecot never touches mail as root.
    mail_owner: (u32, u32),
}

/// Says why the mailbox tests are skipped, or fails when `TINGTING_TEST_REQUIRE_DOVECOT=1`
/// (set by `.ci/run`) says they must run.
fn skip(why: &str) {
    if std::env::var("TINGTING_TEST_REQUIRE_DOVECOT").as_deref() == Ok("1") {
        panic!("dovecot is required (TINGTING_TEST_REQUIRE_DOVECOT=1): {why}");
    }
    eprintln!("NOTE: {why}");
}

impl Dovecot {
    /// Starts a fresh dovecot with an empty mailbox for [`Dovecot::user`], or returns `None`
    /// (after saying so on stderr) when dovecot is not installed. Panics, with dovecot's log,
    /// when it is installed but does not start.
    pub fn start() -> Option<Dovecot> {
        let Some(binary) = find_binary() else {
            skip("dovecot not installed: mailbox tests skipped (apt-get install dovecot-imapd)");
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("dovecot-test-")
            .tempdir()
            .expect("create a temporary directory for dovecot");
        let owner = fs::metadata(dir.path())
            .expect("stat the temporary directory")
            .uid();
        if owner != 0 {
            skip("not running as root, so dovecot cannot switch users: mailbox tests skipped");
            return None;
        }
        let ca_cert = write_certificates(dir.path());
        let greeting = format!(
            "tingting-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut dovecot = Dovecot {
            dir,
            binary,
            child: None,
            imap_port: 0,
            imaps_port: 0,
            ca_cert,
            greeting,
            mail_owner: nobody(),
        };
        dovecot.prepare();
        for attempt in 1.. {
            (dovecot.imap_port, dovecot.imaps_port) = free_ports();
            dovecot.write_config();
            match dovecot.launch() {
                Ok(()) => break,
                // Something took a port between `free_ports` and dovecot's bind: new ports.
                Err(e) if attempt < 3 && e.contains("Address already in use") => {}
                Err(e) => panic!("{e}"),
            }
        }
        Some(dovecot)
    }

    /// The port of the plain-text IMAP listener (on 127.0.0.1).
    pub fn imap_port(&self) -> u16 {
        self.imap_port
    }

    /// The port of the implicit-TLS IMAP listener (on 127.0.0.1).
    pub fn imaps_port(&self) -> u16 {
        self.imaps_port
    }

    /// The CA certificate that issued the TLS listener's certificate (valid for `127.0.0.1`
    /// and `localhost`).
    pub fn ca_cert(&self) -> CertificateDer<'static> {
        self.ca_cert.clone()
    }

    /// The user name and password of the one account.
    pub fn user(&self) -> (&str, &str) {
        (USER, PASSWORD)
    }

    /// Adds a message to a folder of the account, creating the folder if needed, the way an MTA
    /// delivers into a maildir: the next IMAP session that opens the folder sees it.
    ///
    /// `folder` is `INBOX` or a top-level folder name as IMAP sends it (modified UTF-7,
    /// e.g. `Entw&APw-rfe` for "Entwürfe"), without the hierarchy separators `.` and `/`.
    pub fn deliver(&self, folder: &str, raw: &[u8]) {
        let maildir = self.maildir(folder);
        self.create_owned_dir(&maildir);
        for sub in ["cur", "new", "tmp"] {
            self.create_owned_dir(&maildir.join(sub));
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock after 1970");
        let name = format!(
            "{}.M{}P{}Q{}.tingting-test",
            now.as_secs(),
            now.subsec_micros(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let tmp = maildir.join("tmp").join(&name);
        fs::write(&tmp, raw).expect("write message into maildir tmp/");
        self.chown(&tmp);
        fs::rename(&tmp, maildir.join("new").join(&name)).expect("move message into maildir new/");
    }

    /// How many messages of `folder` (named as for [`Dovecot::deliver`]) carry the `\Seen` flag,
    /// which dovecot's maildir keeps in the file name (`...:2,S`).
    pub fn seen_count(&self, folder: &str) -> usize {
        let Ok(entries) = fs::read_dir(self.maildir(folder).join("cur")) else {
            return 0;
        };
        entries
            .filter_map(Result::ok)
            .filter(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                name.split_once(":2,")
                    .is_some_and(|(_, flags)| flags.contains('S'))
            })
            .count()
    }

    /// Stops dovecot and starts it again on the same ports with the same mail, index and UIDs.
    pub fn restart(&mut self) {
        self.stop();
        for port in [self.imap_port, self.imaps_port] {
            wait_until(&format!("port {port} to be released"), DEADLINE, || {
                TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
            })
            .unwrap_or_else(|e| panic!("{e}"));
        }
        self.launch().unwrap_or_else(|e| panic!("{e}"));
    }

    /// The maildir of `folder` (Maildir++ layout: sub-folders are `.Name` directories).
    fn maildir(&self, folder: &str) -> PathBuf {
        let mut maildir = self.dir.path().join("home").join(USER).join("Maildir");
        if !folder.eq_ignore_ascii_case("INBOX") {
            assert!(
                !folder.is_empty() && !folder.contains(['.', '/']),
                "only INBOX and top-level folders are supported, not {folder:?}"
            );
            maildir.push(format!(".{folder}"));
        }
        maildir
    }

    /// Creates `dir` (its parent must exist) owned by the mail user, unless it exists.
    fn create_owned_dir(&self, dir: &Path) {
        if !dir.is_dir() {
            fs::create_dir(dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
            self.chown(dir);
        }
    }

    fn chown(&self, path: &Path) {
        let (uid, gid) = self.mail_owner;
        std::os::unix::fs::chown(path, Some(uid), Some(gid))
            .unwrap_or_else(|e| panic!("chown {}: {e}", path.display()));
    }

    /// Creates the directories, the account and its empty maildir.
    fn prepare(&self) {
        let dir = self.dir.path();
        // The mail user must be able to reach its home below the temporary directory.
        fs::set_permissions(dir, fs::Permissions::from_mode(0o711))
            .expect("open the temporary directory to the mail user");
        for sub in ["run", "state", "home"] {
            fs::create_dir(dir.join(sub)).expect("create dovecot directories");
        }
        let home = dir.join("home").join(USER);
        self.create_owned_dir(&home);
        self.create_owned_dir(&home.join("Maildir"));
        fs::write(
            dir.join("passwd"),
            format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n"),
        )
        .expect("write passwd file");
    }

    fn write_config(&self) {
        let (uid, gid) = self.mail_owner;
        let d = self.dir.path().display();
        let config = format!(
            r#"# Written by the tingting mailbox tests; nothing from /etc/dovecot is included.
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
instance_name = {greeting}
login_greeting = {greeting}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{d}/server.pem
ssl_key = <{d}/server.key
disable_plaintext_auth = no
auth_mechanisms = plain
# Refuse a wrong password at once (default: after 2 s).
auth_failure_delay = 0
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_uid = {uid}
mail_gid = {gid}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = home={d}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
    ssl = yes
  }}
}}
"#,
            greeting = self.greeting,
            imap = self.imap_port,
            imaps = self.imaps_port,
        );
        fs::write(self.config_path(), config).expect("write dovecot.conf");
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("dovecot.conf")
    }

    /// Runs dovecot in the foreground, in a process group of its own, and waits until it
    /// answers on both ports. On failure, the error includes dovecot's log.
    fn launch(&mut self) -> Result<(), String> {
        let output = fs::File::create(self.dir.path().join("dovecot.out"))
            .expect("create dovecot output file");
        let mut child = Command::new(&self.binary)
            .arg("-F")
            .arg("-c")
            .arg(self.config_path())
            .stdin(Stdio::null())
            .stdout(output.try_clone().expect("clone output file"))
            .stderr(output)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("could not run {}: {e}", self.binary.display()));

        let mut exited = None;
        let ready = wait_until("dovecot to accept connections", DEADLINE, || {
            exited = child.try_wait().ok().flatten();
            exited.is_some()
                || (greets(self.imap_port, &self.greeting)
                    && TcpStream::connect((Ipv4Addr::LOCALHOST, self.imaps_port)).is_ok())
        });
        self.child = Some(child);
        let failure = match (exited, ready) {
            (Some(status), _) => format!("dovecot exited with {status} while starting"),
            (None, Err(e)) => e,
            (None, Ok(())) => return Ok(()),
        };
        let logs = self.logs();
        self.stop();
        Err(format!("{failure}\n{logs}"))
    }

    /// dovecot's own log and its stdout/stderr, for failure messages.
    fn logs(&self) -> String {
        ["dovecot.log", "dovecot.out"]
            .iter()
            .map(|name| {
                let text = fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
                format!("--- {name} ---\n{text}")
            })
            .collect()
    }

    /// Asks dovecot to shut down, gives it [`SHUTDOWN_GRACE`], then kills whatever is left of
    /// its processes.
    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let Ok(pid) = libc::pid_t::try_from(child.id()) else {
            return;
        };
        // dovecot leads a process group of its own (`process_group(0)` above), so -pid
        // addresses it and every process it started, including those it no longer waits for.
        if matches!(child.try_wait(), Ok(None)) {
            signal(-pid, libc::SIGTERM);
            // Usually done in well under a second. A login process still holding a client
            // connection can keep the master waiting for several seconds: that's what the
            // SIGKILL below is for, so the outcome does not matter here.
            let _ = wait_until("dovecot to exit", SHUTDOWN_GRACE, || {
                matches!(child.try_wait(), Ok(Some(_)))
            });
        }
        // Nothing can survive this; the sockets close with the processes.
        signal(-pid, libc::SIGKILL);
        // Reap the master; an error only means it was reaped already.
        let _ = child.wait();
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether the dovecot instance with this `login_greeting` answers on `port`.
fn greets(port: u16, greeting: &str) -> bool {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(stream) = TcpStream::connect_timeout(&address, Duration::from_secs(1)) else {
        return false;
    };
    if stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .is_err()
    {
        return false;
    }
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).is_ok() && line.contains(greeting)
}

/// Sends `signal` to `pid` (a process group when negative); whether a process was there.
fn signal(pid: libc::pid_t, signal: libc::c_int) -> bool {
    // SAFETY: kill(2) has no memory-safety preconditions; the pid is dovecot's, or its
    // process group's, which this harness started.
    unsafe { libc::kill(pid, signal) == 0 }
}

/// uid and gid of `nobody`, who owns the test mail: dovecot refuses to access mail as root.
fn nobody() -> (u32, u32) {
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            match fields.as_slice() {
                ["nobody", _, uid, gid, ..] => Some((uid.parse().ok()?, gid.parse().ok()?)),
                _ => None,
            }
        })
        .unwrap_or((65534, 65534))
}

fn find_binary() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|dir| dir.join("dovecot"))
        .find(|candidate| candidate.is_file())
}

/// Two distinct ports that are free on the loopback interface right now.
fn free_ports() -> (u16, u16) {
    let first = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    let second = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    let port = |listener: &TcpListener| listener.local_addr().expect("local address").port();
    (port(&first), port(&second))
}

/// A CA and a server certificate for 127.0.0.1/localhost signed by it; writes the server's
/// certificate and key for dovecot and returns the CA certificate.
fn write_certificates(dir: &Path) -> CertificateDer<'static> {
    let ca_key = KeyPair::generate().expect("generate CA key");
    let mut ca_params = CertificateParams::new(Vec::new()).expect("CA parameters");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "tingting test CA");
    let ca = ca_params.self_signed(&ca_key).expect("self-sign the CA");

    let server_key = KeyPair::generate().expect("generate server key");
    let mut server_params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("server certificate parameters");
    server_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let server = server_params
        .signed_by(&server_key, &ca, &ca_key)
        .expect("sign the server certificate");

    fs::write(dir.join("server.pem"), server.pem() + &ca.pem()).expect("write server.pem");
    fs::write(dir.join("server.key"), server_key.serialize_pem()).expect("write server.key");
    ca.der().clone()
}

/// Polls `ready` until it holds or `limit` passes.
fn wait_until(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) -> Result<(), String> {
    let start = Instant::now();
    loop {
        if ready() {
            return Ok(());
        }
        if start.elapsed() > limit {
            return Err(format!("gave up waiting for {what} after {limit:?}"));
        }
        thread::sleep(POLL);
    }
}
