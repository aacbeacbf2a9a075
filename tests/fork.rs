//! After `fork()`, a child process's calls still time out.
//!
//! Attempt timeouts are kept by the timer of the tokio runtime that runs the call, so a
//! child that builds its own runtime has its own timer; nothing process-wide (a thread the
//! parent started, which the child would not have) keeps deadlines.
//!
//! Without the test harness (`harness = false`): `fork` copies only the calling thread, so
//! the process forks while it has that one thread, before the harness or any runtime
//! starts another. The parent first makes a call that times out, so that anything the
//! timeouts set up on first use is set up before the fork.

use std::io::Write;
use std::time::{Duration, Instant};

use huaweicloud_secmaster::runtime::{Call, Operation};
use huaweicloud_secmaster::{Client, Credentials, Error, RetryPolicy};

static LIST_WORKSPACES: Operation = Operation {
    name: "ListWorkspaces",
    method: http::Method::GET,
    path: "/v1/{project_id}/workspaces",
    idempotent: true,
};

const TIMEOUT: Duration = Duration::from_millis(200);

/// The child's verdicts, as exit codes.
const TIMED_OUT: i32 = 0;
const OTHER_ERROR: i32 = 2;
const TOO_LATE: i32 = 3;
const NO_RUNTIME: i32 = 4;

/// Calls a server that never answers with a 200 ms timeout, on a fresh current-thread
/// runtime; how long the error took to come back, and the error.
fn call_silent_server(endpoint: &str) -> std::io::Result<(Duration, Result<(), Error>)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::ak_sk("AK", "SK").with_project_id("proj123"))
        .timeout(TIMEOUT)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .map_err(|error| std::io::Error::other(error.to_string()))?;
    let started = Instant::now();
    let result = runtime.block_on(async {
        let mut call = Call::new(&LIST_WORKSPACES);
        call.project_id_param("project_id", None);
        client.send(call).await.map(drop)
    });
    Ok((started.elapsed(), result))
}

/// The child's whole life: one call, then `_exit` with its verdict (no destructors, no
/// atexit handlers of the parent's copy of the process).
fn child(endpoint: &str) -> ! {
    let code = match call_silent_server(endpoint) {
        Err(_) => NO_RUNTIME,
        Ok((elapsed, Err(Error::Timeout { .. }))) if elapsed < Duration::from_secs(2) => TIMED_OUT,
        Ok((_, Err(Error::Timeout { .. }))) => TOO_LATE,
        Ok(_) => OTHER_ERROR,
    };
    // SAFETY: `_exit` ends the process at once; nothing else runs after it.
    unsafe { libc::_exit(code) }
}

/// The threads of this process, where the OS says (Linux).
fn threads() -> Option<usize> {
    std::fs::read_dir("/proc/self/task")
        .ok()
        .map(|entries| entries.count())
}

fn main() {
    print!("test a_forked_child_s_call_times_out ... ");
    let _ = std::io::stdout().flush();
    // A server that accepts connections (the kernel completes them) and never reads or
    // answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let endpoint = format!(
        "http://{}",
        listener.local_addr().expect("the listener's address")
    );

    // In the parent, before the fork: a call that times out.
    let (elapsed, result) = call_silent_server(&endpoint).expect("a runtime");
    assert!(
        matches!(result, Err(Error::Timeout { .. })),
        "the parent's call: {result:?}"
    );
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    if let Some(count) = threads() {
        assert_eq!(count, 1, "the process must fork with one thread");
    }

    // SAFETY: the process has one thread (checked above where the OS tells), so the child
    // starts from a consistent copy of it.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed: {}", std::io::Error::last_os_error());
    if pid == 0 {
        child(&endpoint);
    }

    // The parent waits at most 20 s, then ends the child and fails.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut status = 0;
    loop {
        // SAFETY: `pid` is this process's child and `status` a valid place to write.
        let waited = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        assert!(
            waited >= 0,
            "waitpid failed: {}",
            std::io::Error::last_os_error()
        );
        if waited == pid {
            break;
        }
        if Instant::now() > deadline {
            // SAFETY: the child has not been reaped, so `pid` still names it.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            panic!("the child's call did not end within 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        libc::WIFEXITED(status),
        "the child did not exit normally (status {status})"
    );
    let code = libc::WEXITSTATUS(status);
    let verdict = match code {
        TIMED_OUT => "timed out within 2 s",
        OTHER_ERROR => "ended without a timeout",
        TOO_LATE => "timed out, but after more than 2 s",
        NO_RUNTIME => "could not build its runtime or client",
        _ => "exited with an unknown code",
    };
    assert_eq!(code, TIMED_OUT, "the child's call {verdict}");
    drop(listener);
    println!("ok");
}
