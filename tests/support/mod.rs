//! Helpers shared by the loopback test binaries.

// Each test binary includes this module and uses only some of it.
#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::net::{TcpListener, TcpStream};

/// Reads one HTTP/1.1 request (head and `Content-Length` body) from a raw connection;
/// returns what arrived when the peer closes early.
pub async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Vec<u8> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Ok(count) = stream.read(&mut chunk).await else {
            return buffer;
        };
        if count == 0 {
            return buffer;
        }
        buffer.extend_from_slice(&chunk[..count]);
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                return buffer;
            }
        }
    }
}

/// Collects everything a `tracing` fmt layer writes, for tests of log output.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    /// What was written so far, as text.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().map(|bytes| bytes.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut captured) = self.0.lock() {
            captured.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A proxy on loopback: for `CONNECT host:port` it answers 200 and tunnels to that address
/// (how HTTPS goes through a proxy); for a plain HTTP request in absolute form it pipes the
/// connection to `target`, the server behind it, which accepts absolute-form targets. It
/// records the head of the first request of each connection. Returns its `host:port`.
pub async fn forwarding_proxy(
    target: String,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("its address");
    let heads = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorded = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let heads = recorded.clone();
            let target = target.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 4096];
                let end = loop {
                    if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
                        break end;
                    }
                    match client.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(count) => buffer.extend_from_slice(&chunk[..count]),
                    }
                };
                let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                let tunnel = head
                    .strip_prefix("CONNECT ")
                    .and_then(|rest| rest.split(' ').next())
                    .map(str::to_owned);
                if let Ok(mut heads) = heads.lock() {
                    heads.push(head);
                }
                let Ok(mut upstream) =
                    tokio::net::TcpStream::connect(tunnel.as_deref().unwrap_or(&target)).await
                else {
                    return;
                };
                let ready = match tunnel {
                    // What follows the CONNECT head is the client's TLS, for the server.
                    Some(_) => {
                        client
                            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                            .await
                            .is_ok()
                            && upstream.write_all(&buffer[end + 4..]).await.is_ok()
                    }
                    None => upstream.write_all(&buffer).await.is_ok(),
                };
                if ready {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    (format!("127.0.0.1:{}", address.port()), heads)
}

/// A raw TCP server on loopback; `handle` gets every accepted connection. Returns the
/// address and the number of connections accepted.
pub async fn raw_server<F, Fut>(handle: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    let handle = Arc::new(handle);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handle(stream));
        }
    });
    (address, connections)
}
