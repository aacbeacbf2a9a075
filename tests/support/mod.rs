//! Helpers shared by the loopback test binaries.

use tokio::io::{AsyncRead, AsyncReadExt};

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
