//! Bodies that are not JSON: file parts (bytes, a file on disk, or any `AsyncRead`), the
//! `multipart/form-data` forms built from them, and the streaming HTTP body that sends
//! them without reading a file into memory.
//!
//! Forms are encoded as the official SDK encodes them (requests-toolbelt's
//! `MultipartEncoder`): text fields first, in the order added, then the files.

use std::collections::VecDeque;
use std::fmt;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, ReadBuf};

use crate::Error;

/// Called with the bytes sent or received so far and the total, when known.
pub type ProgressFn = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

type Reader = Pin<Box<dyn AsyncRead + Send>>;

/// Where a file part's bytes come from.
#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    /// Read once: a call whose body holds one is never retried.
    Reader(Arc<Mutex<Option<Reader>>>),
}

/// A file to upload: the content of a multipart file part, or of a raw
/// (`application/octet-stream`) body. Large files are streamed, never read whole.
#[derive(Clone)]
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
    progress: Option<ProgressFn>,
}

impl FilePart {
    /// A file from bytes in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self::new(Source::Bytes(bytes.into()))
    }

    /// A file on disk, read while sending. Its file name is the path's last component
    /// unless set. A file that cannot be opened fails the call before anything is sent.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        FilePart {
            file_name,
            ..Self::new(Source::Path(path))
        }
    }

    /// A stream of bytes, read while sending. It can be read only once, so a call that
    /// sends it is never retried.
    pub fn from_reader(reader: impl AsyncRead + Send + 'static) -> Self {
        Self::new(Source::Reader(Arc::new(Mutex::new(Some(Box::pin(reader))))))
    }

    fn new(source: Source) -> Self {
        FilePart {
            source,
            file_name: None,
            content_type: None,
            progress: None,
        }
    }

    /// The file name sent in the part's `Content-Disposition`.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's `Content-Type` (none is sent unless set, as in the official SDK).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Calls `progress(sent, total)` as the file's bytes are sent.
    pub fn on_progress(
        mut self,
        progress: impl Fn(u64, Option<u64>) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Whether the part can be sent again (not a one-shot reader).
    pub(crate) fn replayable(&self) -> bool {
        !matches!(self.source, Source::Reader(_))
    }

    /// The file's length, when known without reading it. Checks that a file on disk can
    /// be opened, so a call fails before anything is sent.
    async fn length(&self) -> Result<Option<u64>, String> {
        match &self.source {
            Source::Bytes(bytes) => Ok(Some(bytes.len() as u64)),
            Source::Path(path) => {
                let file = tokio::fs::File::open(path).await.map_err(|error| {
                    format!("the file `{}` cannot be opened: {error}", path.display())
                })?;
                let metadata = file.metadata().await.map_err(|error| {
                    format!("the file `{}` cannot be read: {error}", path.display())
                })?;
                if !metadata.is_file() {
                    return Err(format!("`{}` is not a file", path.display()));
                }
                Ok(Some(metadata.len()))
            }
            Source::Reader(_) => Ok(None),
        }
    }

    fn segment(&self, length: Option<u64>) -> Segment {
        Segment::File {
            source: self.source.clone(),
            length,
            progress: self.progress.clone(),
        }
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes(bytes) => format!("{} bytes", bytes.len()),
            Source::Path(path) => format!("file {}", path.display()),
            Source::Reader(_) => "a reader".to_owned(),
        };
        formatter
            .debug_struct("FilePart")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

impl PartialEq for FilePart {
    fn eq(&self, other: &Self) -> bool {
        let same_source = match (&self.source, &other.source) {
            (Source::Bytes(left), Source::Bytes(right)) => left == right,
            (Source::Path(left), Source::Path(right)) => left == right,
            (Source::Reader(left), Source::Reader(right)) => Arc::ptr_eq(left, right),
            _ => false,
        };
        same_source && self.file_name == other.file_name && self.content_type == other.content_type
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        FilePart::from_bytes(bytes)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        FilePart::from_bytes(bytes)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(bytes: &'static [u8]) -> Self {
        FilePart::from_bytes(Bytes::from_static(bytes))
    }
}

/// A `multipart/form-data` body: text fields and file parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Form {
    texts: Vec<(String, String)>,
    files: Vec<(String, FilePart)>,
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field (nothing when `None`).
    pub fn text(&mut self, name: &str, value: Option<String>) {
        if let Some(value) = value {
            self.texts.push((name.to_owned(), value));
        }
    }

    /// Adds a field holding JSON (nothing when `None`).
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: Option<&T>) {
        if let Some(value) = value {
            // Serialising generated models and JSON values cannot fail.
            let text = serde_json::to_string(value).unwrap_or_default();
            self.texts.push((name.to_owned(), text));
        }
    }

    /// Adds a file part (nothing when `None`).
    pub fn file(&mut self, name: &str, part: Option<FilePart>) {
        if let Some(part) = part {
            self.files.push((name.to_owned(), part));
        }
    }

    /// Adds one file part per file, all under one name.
    pub fn files(&mut self, name: &str, parts: Vec<FilePart>) {
        for part in parts {
            self.files.push((name.to_owned(), part));
        }
    }

    pub(crate) fn replayable(&self) -> bool {
        self.files.iter().all(|(_, part)| part.replayable())
    }

    /// The whole encoded body with this boundary, read into memory: for tests and
    /// debugging (calls stream it instead). A reader part is consumed.
    pub async fn encode(&self, boundary: &str) -> Result<Bytes, Error> {
        use tokio::io::AsyncReadExt;
        let prepared = Prepared::form(self, boundary)
            .await
            .map_err(|problem| invalid("Form::encode", problem))?;
        let mut out = BytesMut::new();
        for segment in prepared.segments {
            match segment {
                Segment::Bytes(bytes) => out.extend_from_slice(&bytes),
                Segment::File { source, .. } => {
                    let read = match source {
                        Source::Bytes(bytes) => Ok(bytes.to_vec()),
                        Source::Path(path) => tokio::fs::read(&path).await,
                        Source::Reader(shared) => {
                            let taken = shared.lock().ok().and_then(|mut slot| slot.take());
                            match taken {
                                Some(mut reader) => {
                                    let mut buffer = Vec::new();
                                    reader.read_to_end(&mut buffer).await.map(|_| buffer)
                                }
                                None => Ok(Vec::new()),
                            }
                        }
                    };
                    let bytes = read.map_err(|error| invalid("Form::encode", error.to_string()))?;
                    out.extend_from_slice(&bytes);
                }
            }
        }
        Ok(out.freeze())
    }

    /// Checks names and file names: a line break or quote in them would forge part headers.
    pub(crate) fn check(&self) -> Result<(), String> {
        let bad = |text: &str| text.contains(['\r', '\n', '"', '\0']);
        for name in self
            .texts
            .iter()
            .map(|(name, _)| name)
            .chain(self.files.iter().map(|(name, _)| name))
        {
            if bad(name) {
                return Err(format!(
                    "the form part name {name:?} contains a line break, quote or NUL"
                ));
            }
        }
        for (name, part) in &self.files {
            if part.file_name.as_deref().is_some_and(bad) {
                return Err(format!(
                    "the file name of form part `{name}` contains a line break, quote or NUL"
                ));
            }
            if part
                .content_type
                .as_deref()
                .is_some_and(|value| value.contains(['\r', '\n', '\0']))
            {
                return Err(format!(
                    "the content type of form part `{name}` contains a line break or NUL"
                ));
            }
        }
        Ok(())
    }
}

/// A piece of a body being sent.
#[derive(Clone)]
enum Segment {
    Bytes(Bytes),
    File {
        source: Source,
        length: Option<u64>,
        progress: Option<ProgressFn>,
    },
}

/// A body ready to be sent, possibly more than once: its segments and length.
#[derive(Clone)]
pub(crate) struct Prepared {
    segments: Vec<Segment>,
    length: Option<u64>,
}

impl fmt::Debug for Prepared {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Prepared")
            .field("segments", &self.segments.len())
            .field("length", &self.length)
            .finish()
    }
}

impl Prepared {
    /// A raw body of one file.
    pub(crate) async fn file(part: &FilePart) -> Result<Prepared, String> {
        let length = part.length().await?;
        Ok(Prepared {
            segments: vec![part.segment(length)],
            length,
        })
    }

    /// A multipart body with this boundary: text fields first, then files.
    pub(crate) async fn form(form: &Form, boundary: &str) -> Result<Prepared, String> {
        form.check()?;
        let mut segments = Vec::new();
        let mut head = BytesMut::new();
        for (name, value) in &form.texts {
            head.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                    .as_bytes(),
            );
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        let mut length = Some(0u64);
        for (name, part) in &form.files {
            head.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"")
                    .as_bytes(),
            );
            if let Some(file_name) = &part.file_name {
                head.extend_from_slice(format!("; filename=\"{file_name}\"").as_bytes());
            }
            head.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                head.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
            }
            head.extend_from_slice(b"\r\n");
            let head_bytes = head.split().freeze();
            length = length.map(|total| total + head_bytes.len() as u64);
            segments.push(Segment::Bytes(head_bytes));
            let file_length = part.length().await?;
            length = length.zip(file_length).map(|(total, file)| total + file);
            segments.push(part.segment(file_length));
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let tail = head.freeze();
        length = length.map(|total| total + tail.len() as u64);
        segments.push(Segment::Bytes(tail));
        Ok(Prepared { segments, length })
    }

    /// The body's length, when every part's is known.
    pub(crate) fn length(&self) -> Option<u64> {
        self.length
    }

    /// Whether the body is empty (a zero-length file), which the signer treats specially.
    pub(crate) fn is_empty(&self) -> bool {
        self.length == Some(0)
    }

    /// A fresh HTTP body for one attempt.
    pub(crate) fn body(&self) -> reqwest::Body {
        reqwest::Body::wrap(StreamBody {
            state: Mutex::new(StreamState {
                segments: self.segments.iter().cloned().collect(),
                current: None,
                length: self.length,
            }),
        })
    }
}

/// The file being read.
struct Current {
    reader: Reader,
    length: Option<u64>,
    sent: u64,
    progress: Option<ProgressFn>,
}

struct StreamState {
    segments: VecDeque<Segment>,
    current: Option<Current>,
    length: Option<u64>,
}

/// The streaming body: bytes segments as they are, files read in chunks.
struct StreamBody {
    // A `Mutex` only to make the body `Sync`, as reqwest asks; it is reached through
    // `get_mut`, never locked.
    state: Mutex<StreamState>,
}

const CHUNK: usize = 64 * 1024;

impl Body for StreamBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let state = match self.get_mut().state.get_mut() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        loop {
            if let Some(current) = &mut state.current {
                let mut buffer = vec![0u8; CHUNK];
                let mut read = ReadBuf::new(&mut buffer);
                match current.reader.as_mut().poll_read(context, &mut read) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                    Poll::Ready(Ok(())) => {
                        let filled = read.filled().len();
                        if filled == 0 {
                            if let Some(expected) = current.length {
                                if current.sent != expected {
                                    return Poll::Ready(Some(Err(std::io::Error::new(
                                        std::io::ErrorKind::UnexpectedEof,
                                        format!("the file changed while it was sent: {expected} bytes expected, {} read", current.sent),
                                    ))));
                                }
                            }
                            state.current = None;
                            continue;
                        }
                        current.sent += filled as u64;
                        if let Some(progress) = &current.progress {
                            progress(current.sent, current.length);
                        }
                        buffer.truncate(filled);
                        return Poll::Ready(Some(Ok(Frame::data(Bytes::from(buffer)))));
                    }
                }
            }
            match state.segments.pop_front() {
                None => return Poll::Ready(None),
                Some(Segment::Bytes(bytes)) => {
                    if bytes.is_empty() {
                        continue;
                    }
                    return Poll::Ready(Some(Ok(Frame::data(bytes))));
                }
                Some(Segment::File {
                    source,
                    length,
                    progress,
                }) => {
                    let reader: Reader = match source {
                        Source::Bytes(bytes) => Box::pin(std::io::Cursor::new(bytes)),
                        Source::Path(path) => match std::fs::File::open(&path) {
                            Ok(file) => Box::pin(tokio::fs::File::from_std(file)),
                            Err(error) => return Poll::Ready(Some(Err(error))),
                        },
                        Source::Reader(shared) => {
                            let taken = shared.lock().ok().and_then(|mut slot| slot.take());
                            match taken {
                                Some(reader) => reader,
                                None => {
                                    return Poll::Ready(Some(Err(std::io::Error::other(
                                        "a reader file part was already sent once",
                                    ))))
                                }
                            }
                        }
                    };
                    state.current = Some(Current {
                        reader,
                        length,
                        sent: 0,
                        progress,
                    });
                }
            }
        }
    }

    fn size_hint(&self) -> SizeHint {
        let length = self.state.lock().ok().and_then(|state| state.length);
        match length {
            Some(length) => SizeHint::with_exact(length),
            None => SizeHint::default(),
        }
    }
}

/// A fresh multipart boundary: 32 random hex digits, as requests-toolbelt's `uuid4().hex`.
pub(crate) fn boundary() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// Turns a body problem into the error a caller sees: nothing was sent.
pub(crate) fn invalid(operation: &str, problem: String) -> Error {
    Error::InvalidRequest(format!("{operation}: {problem}"))
}
