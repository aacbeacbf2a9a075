//! Per-call cost of the generated client against a hand-written baseline, on loopback.
//!
//! ```text
//! cargo bench -p secmaster-tests --bench loopback [-- --calls N --rounds R]
//! ```
//!
//! The binary starts itself again as a hyper server in a second process (so the CPU and
//! memory figures are the client's alone), then runs, interleaved in the same process run,
//! our `change_playbook_instance` and `create_workflow_instance` and a baseline client doing
//! the minimum any client must do (one `reqwest::Client`, path encoding, serde_json,
//! SDK-HMAC-SHA256 written straight with hmac/sha2), at concurrency 1 and 16, for several
//! rounds. It prints requests per second, the ratio to the baseline (over all rounds, and
//! the median and range of the rounds' own ratios, which a slow moment of a shared machine
//! moves less), client CPU
//! microseconds per call, and the client process's peak RSS.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hmac::{Hmac, Mac};
use huaweicloud_secmaster::models::{
    AopInstanceEventData, OperationPlaybookInfo, OperationPlaybookInfoOperation,
};
use huaweicloud_secmaster::operations::{
    ChangePlaybookInstanceRequest, CreateWorkflowInstanceRequest,
};
use huaweicloud_secmaster::runtime::USER_AGENT;
use huaweicloud_secmaster::{Client, Credentials, RetryPolicy};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

const AK: &str = "BENCHAK";
const SK: &str = "BENCHSK";
const PROJECT: &str = "bench-project";

const CHANGE_ANSWER: &str = r#"{"id":"909494e3-558e-46b6-a9eb-07a8e18ca62f","name":"MyXXX","project_id":"909494e3-558e-46b6-a9eb-07a8e18ca62f","playbook":{"id":"909494e3-558e-46b6-a9eb-07a8e18ca62f","version_id":"909494e3-558e-46b6-a9eb-07a8e18ca62f","name":"909494e3-558e-46b6-a9eb-07a8e18ca62f","version":"v1.1.1"},"dataclass":{"id":"909494e3-558e-46b6-a9eb-07a8e18ca62f","name":"909494e3-558e-46b6-a9eb-07a8e18ca62f"},"dataobject":{"id":"909494e3-558e-46b6-a9eb-07a8e18ca62f","name":"909494e3-558e-46b6-a9eb-07a8e18ca62f"},"status":"TERMINATED","trigger_type":"string","start_time":"2021-01-30T23:00:00Z+0800","end_time":"2021-01-30T23:00:00Z+0800"}"#;
const CREATE_BODY: &str = r#"{"command_type":"ActionInstanceRunCommand","action_type":"workflow","action_id":"446255ce-XXXXXXXXXX-0b4931","action_instance_id":"1111xxxxxxxxxxxxxx111","playbook_context":{"data_object":{"dataclass":{"name":"Alert"},"content":{"name":{},"key":{}}}}}"#;

// ----- the server process -----

fn serve() {
    pin_to_cpu(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!("{}", listener.local_addr().expect("address"));
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    |request: hyper::Request<hyper::body::Incoming>| async move {
                        use http_body_util::BodyExt;
                        let path = request.uri().path().to_owned();
                        let _ = request.into_body().collect().await;
                        let body = if path.ends_with("/instances") {
                            CREATE_BODY
                        } else {
                            CHANGE_ANSWER
                        };
                        let mut response = hyper::Response::new(http_body_util::Full::new(
                            Bytes::from_static(body.as_bytes()),
                        ));
                        response.headers_mut().insert(
                            "content-type",
                            http::HeaderValue::from_static("application/json"),
                        );
                        response.headers_mut().insert(
                            "x-request-id",
                            http::HeaderValue::from_static("bench-request-id"),
                        );
                        Ok::<_, std::convert::Infallible>(response)
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

// ----- the baseline: the minimum any client must do -----

const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

// The baseline's own serde structs, field for field what the generated models hold, so
// both clients encode and decode the same data.

#[derive(serde::Serialize)]
struct BaselineChange<'a> {
    operation: &'a str,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct IdName {
    id: Option<String>,
    name: Option<String>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct PlaybookRef {
    id: Option<String>,
    version_id: Option<String>,
    name: Option<String>,
    version: Option<String>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct BaselineInstance {
    id: Option<String>,
    name: Option<String>,
    project_id: Option<String>,
    playbook: Option<PlaybookRef>,
    dataclass: Option<IdName>,
    dataobject: Option<IdName>,
    status: Option<String>,
    trigger_type: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct DataClass {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    name: String,
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct DataObject {
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dataclass: Option<DataClass>,
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct PlaybookContext {
    data_object: DataObject,
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct BaselineEvent {
    command_type: String,
    action_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    action_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action_instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    playbook_context: Option<PlaybookContext>,
}

struct Baseline {
    http: reqwest::Client,
    host: String,
}

impl Baseline {
    async fn call<T: serde::de::DeserializeOwned>(&self, path_tail: &str, body: &[u8]) -> T {
        let workspace = utf8_percent_encode("ws1", UNRESERVED).to_string();
        let path = format!("/v1/{PROJECT}/workspaces/{workspace}/{path_tail}");
        let date =
            huaweicloud_secmaster::runtime::signer::sdk_date(time::OffsetDateTime::now_utc());
        let body_hash = hex::encode(Sha256::digest(body));
        let canonical = format!(
            "POST\n{path}/\n\ncontent-type:application/json\nhost:{host}\nuser-agent:{USER_AGENT}\nx-project-id:{PROJECT}\nx-sdk-date:{date}\n\ncontent-type;host;user-agent;x-project-id;x-sdk-date\n{body_hash}",
            host = self.host
        );
        let to_sign = format!(
            "SDK-HMAC-SHA256\n{date}\n{}",
            hex::encode(Sha256::digest(canonical.as_bytes()))
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(SK.as_bytes()).expect("any key length");
        mac.update(to_sign.as_bytes());
        let signature = hex::encode(mac.finalize().into_bytes());
        let response = self
            .http
            .post(format!("http://{}{path}", self.host))
            .header("content-type", "application/json")
            // Our client's User-Agent, so both sign and send the same bytes.
            .header("user-agent", USER_AGENT)
            .header("x-project-id", PROJECT)
            .header("x-sdk-date", date)
            .header(
                "authorization",
                format!("SDK-HMAC-SHA256 Access={AK}, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature={signature}"),
            )
            .body(body.to_vec())
            .send()
            .await
            .expect("the baseline call");
        let bytes = response.bytes().await.expect("the answer");
        serde_json::from_slice(&bytes).expect("the answer decodes")
    }
}

// ----- measuring -----

/// Pins this process (and the threads it starts later) to one CPU, when the machine has
/// more than one: the client on CPU 0 and the server on CPU 1, so the scheduler does not
/// move them between runs, which changes how often each wakes the other and moves the
/// figures by more than the difference measured.
fn pin_to_cpu(cpu: usize) {
    if std::thread::available_parallelism().map_or(1, usize::from) < 2 {
        return;
    }
    // SAFETY: the set is zeroed and filled by the libc macros before the call, which only
    // reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// User plus system CPU time of this process.
fn cpu_time() -> Duration {
    let (user, system) = user_and_system_time();
    user + system
}

/// This process's CPU time so far: in user space, and in the kernel.
fn user_and_system_time() -> (Duration, Duration) {
    // SAFETY: `getrusage` only writes the zeroed struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let micros = |time: libc::timeval| {
        Duration::from_secs(time.tv_sec as u64) + Duration::from_micros(time.tv_usec as u64)
    };
    (micros(usage.ru_utime), micros(usage.ru_stime))
}

/// Peak resident set size of this process, in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[derive(Clone, Copy, PartialEq)]
enum Which {
    Ours,
    Baseline,
    /// Our runtime alone: `Client::send` with a call built by hand, and the baseline's
    /// serde structs; with `--profile runtime`, it splits a gap between the runtime and
    /// the generated code.
    Runtime,
}

/// The seed operations as the runtime sees them, for [`Which::Runtime`].
static CHANGE_OPERATION: huaweicloud_secmaster::runtime::Operation =
    huaweicloud_secmaster::runtime::Operation {
        name: "ChangePlaybookInstance",
        method: http::Method::POST,
        path: "/v1/{project_id}/workspaces/{workspace_id}/soc/playbooks/instances/{instance_id}/operation",
        idempotent: false,
    };
static CREATE_OPERATION: huaweicloud_secmaster::runtime::Operation =
    huaweicloud_secmaster::runtime::Operation {
        name: "CreateWorkflowInstance",
        method: http::Method::POST,
        path: "/v1/{project_id}/workspaces/{workspace_id}/soc/workflows/{workflow_id}/instances",
        idempotent: false,
    };

/// One call through the runtime alone, decoded into the baseline's struct.
async fn runtime_call<B: serde::Serialize, T: serde::de::DeserializeOwned>(
    client: &Client,
    operation: &'static huaweicloud_secmaster::runtime::Operation,
    path: [(&'static str, &str); 2],
    body: &B,
) -> T {
    let mut call = huaweicloud_secmaster::runtime::Call::new(operation);
    call.project_id_param("project_id", None);
    for (name, value) in path {
        call.set_path(name, Some(value.to_owned()));
    }
    call.set_json_body("application/json", Some(body), true);
    let response = client.send(call).await.expect("the runtime call");
    response.json().expect("the answer decodes")
}

#[derive(Clone, Copy)]
enum Op {
    Change,
    Create,
}

struct Clients {
    ours: Client,
    baseline: Baseline,
    create_body: AopInstanceEventData,
    baseline_body: BaselineEvent,
}

async fn one_call(clients: &Clients, which: Which, op: Op) {
    match (which, op) {
        (Which::Ours, Op::Change) => {
            let body = OperationPlaybookInfo::builder()
                .operation(OperationPlaybookInfoOperation::Retry)
                .build()
                .expect("no required fields");
            let request = ChangePlaybookInstanceRequest::new()
                .workspace_id("ws1")
                .instance_id("inst1")
                .body(body);
            let response = clients
                .ours
                .change_playbook_instance(request)
                .await
                .expect("our call");
            std::hint::black_box(response.body.id);
        }
        (Which::Ours, Op::Create) => {
            let request = CreateWorkflowInstanceRequest::new()
                .workspace_id("ws1")
                .workflow_id("wf1")
                .body(clients.create_body.clone());
            let response = clients
                .ours
                .create_workflow_instance(request)
                .await
                .expect("our call");
            std::hint::black_box(response.body.action_id);
        }
        (Which::Runtime, Op::Change) => {
            let answer: BaselineInstance = runtime_call(
                &clients.ours,
                &CHANGE_OPERATION,
                [("workspace_id", "ws1"), ("instance_id", "inst1")],
                &BaselineChange { operation: "RETRY" },
            )
            .await;
            std::hint::black_box(answer.id);
        }
        (Which::Runtime, Op::Create) => {
            let answer: BaselineEvent = runtime_call(
                &clients.ours,
                &CREATE_OPERATION,
                [("workspace_id", "ws1"), ("workflow_id", "wf1")],
                &clients.baseline_body.clone(),
            )
            .await;
            std::hint::black_box(answer.action_id);
        }
        (Which::Baseline, Op::Change) => {
            let body = serde_json::to_vec(&BaselineChange { operation: "RETRY" }).expect("JSON");
            let answer: BaselineInstance = clients
                .baseline
                .call("soc/playbooks/instances/inst1/operation", &body)
                .await;
            std::hint::black_box(answer.id);
        }
        (Which::Baseline, Op::Create) => {
            let body = serde_json::to_vec(&clients.baseline_body.clone()).expect("JSON");
            let answer: BaselineEvent = clients
                .baseline
                .call("soc/workflows/wf1/instances", &body)
                .await;
            std::hint::black_box(answer.action_id);
        }
    }
}

/// Runs `calls` calls at `concurrency`; returns wall time and CPU time.
async fn run(
    clients: &Arc<Clients>,
    which: Which,
    op: Op,
    concurrency: usize,
    calls: usize,
) -> (Duration, Duration) {
    let cpu_before = cpu_time();
    let started = Instant::now();
    let per_task = calls / concurrency;
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let clients = clients.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..per_task {
                one_call(&clients, which, op).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("a call task");
    }
    (started.elapsed(), cpu_time() - cpu_before)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut calls = 4000usize;
    let mut rounds = 21usize;
    // `--profile ours|runtime|baseline`: only that client, for a profiler, at
    // `--concurrency N` (1 unless given).
    let mut profile = None;
    let mut profile_concurrency = 1usize;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--serve" => return serve(),
            "--calls" => {
                calls = args
                    .next()
                    .and_then(|value| value.parse().ok())
                    .unwrap_or(calls)
            }
            "--profile" => {
                profile = match args.next().as_deref() {
                    Some("ours") => Some(Which::Ours),
                    Some("runtime") => Some(Which::Runtime),
                    Some("baseline") => Some(Which::Baseline),
                    other => {
                        eprintln!(
                            "--profile takes ours, runtime or baseline, not {}",
                            other.unwrap_or("nothing")
                        );
                        std::process::exit(2);
                    }
                }
            }
            "--concurrency" => {
                profile_concurrency = args
                    .next()
                    .and_then(|value| value.parse().ok())
                    .filter(|&value| value > 0)
                    .unwrap_or(profile_concurrency)
            }
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|value| value.parse().ok())
                    .unwrap_or(rounds)
            }
            // `cargo bench` passes `--bench`.
            _ => {}
        }
    }
    // The runtime enables reqwest's rustls without a default provider; the baseline's plain
    // `reqwest::Client` needs one installed (it speaks only HTTP here).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let exe = std::env::current_exe().expect("this binary");
    let mut server = Command::new(exe)
        .arg("--serve")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server process starts");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("its stdout"))
        .read_line(&mut line)
        .expect("the server's address");
    let address = line.trim().to_owned();

    pin_to_cpu(0);
    // The client side runs on one worker thread, so CPU per call is not inflated by idle
    // spinning of a second worker; the server has the other core.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let ours = Client::builder()
            .endpoint(format!("http://{address}"))
            .credentials(Credentials::ak_sk(AK, SK).with_project_id(PROJECT))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("our client");
        let baseline = Baseline {
            http: reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("the baseline client"),
            host: address.clone(),
        };
        let clients = Arc::new(Clients {
            ours,
            baseline,
            create_body: serde_json::from_str(CREATE_BODY).expect("the seed body decodes"),
            baseline_body: serde_json::from_str(CREATE_BODY).expect("the seed body decodes"),
        });
        if let Some(which) = profile {
            let (user, system) = user_and_system_time();
            let started = Instant::now();
            for op in [Op::Change, Op::Create] {
                run(&clients, which, op, profile_concurrency, calls).await;
            }
            let wall = started.elapsed();
            let (user_after, system_after) = user_and_system_time();
            let per_call = |time: Duration| time.as_secs_f64() * 1e6 / (2 * calls) as f64;
            println!(
                "{} calls: {:.1} us wall, {:.1} us user, {:.1} us system per call",
                2 * calls,
                per_call(wall),
                per_call(user_after - user),
                per_call(system_after - system),
            );
            return;
        }
        // Warm up connections and code paths.
        for which in [Which::Ours, Which::Baseline] {
            for op in [Op::Change, Op::Create] {
                run(&clients, which, op, 16, 320).await;
            }
        }
        println!("{calls} calls per run, {rounds} rounds, interleaved; client CPU measured in this process only");
        println!(
            "{:<26} {:>5} {:>11} {:>11} {:>7} {:>7} {:>11} {:>10} {:>10}",
            "operation",
            "conc",
            "ours req/s",
            "base req/s",
            "ratio",
            "median",
            "range",
            "ours us/c",
            "base us/c"
        );
        for op in [Op::Change, Op::Create] {
            for concurrency in [1usize, 16] {
                let (mut ours_wall, mut ours_cpu, mut base_wall, mut base_cpu) =
                    (Duration::ZERO, Duration::ZERO, Duration::ZERO, Duration::ZERO);
                // The ratio of each round's pair: a slow moment of the machine hits both
                // sides of one round, and the median keeps one odd round out.
                let mut ratios = Vec::with_capacity(rounds);
                for round in 0..rounds {
                    // Alternate who goes first, so drift does not favour one side.
                    let order = if round % 2 == 0 {
                        [Which::Ours, Which::Baseline]
                    } else {
                        [Which::Baseline, Which::Ours]
                    };
                    let (mut ours_round, mut base_round) = (Duration::ZERO, Duration::ZERO);
                    for which in order {
                        let (wall, cpu) = run(&clients, which, op, concurrency, calls).await;
                        if which == Which::Ours {
                            ours_wall += wall;
                            ours_cpu += cpu;
                            ours_round = wall;
                        } else {
                            base_wall += wall;
                            base_cpu += cpu;
                            base_round = wall;
                        }
                    }
                    ratios.push(base_round.as_secs_f64() / ours_round.as_secs_f64());
                }
                ratios.sort_by(f64::total_cmp);
                let median = ratios[ratios.len() / 2];
                let total = (calls * rounds) as f64;
                let ours_rate = total / ours_wall.as_secs_f64();
                let base_rate = total / base_wall.as_secs_f64();
                let name = match op {
                    Op::Change => "change_playbook_instance",
                    Op::Create => "create_workflow_instance",
                };
                println!(
                    "{:<26} {:>5} {:>11.0} {:>11.0} {:>6.3}x {:>6.3}x {:>5.2}-{:<5.2} {:>10.1} {:>10.1}",
                    name,
                    concurrency,
                    ours_rate,
                    base_rate,
                    ours_rate / base_rate,
                    median,
                    ratios[0],
                    ratios[ratios.len() - 1],
                    ours_cpu.as_secs_f64() * 1e6 / total,
                    base_cpu.as_secs_f64() * 1e6 / total,
                );
            }
        }
        println!("client process peak RSS: {:.1} MiB", peak_rss_kib() as f64 / 1024.0);
    });
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::io::stdout().flush();
}
