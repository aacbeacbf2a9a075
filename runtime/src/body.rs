//! A call's body as each attempt sends it: none, bytes in memory, or a form or file read
//! as it is sent (opened, and its length known, before anything is sent).

use bytes::Bytes;

use crate::error::Error;
use crate::headers::header_value;
use crate::request::{CallBody, Operation, Upload};
use crate::signer::Payload;
use crate::upload::{self, Prepared};

/// A call's body, ready to be sent once per attempt.
pub(crate) enum OutgoingBody {
    None,
    Bytes {
        content_type: String,
        bytes: Bytes,
    },
    Streamed {
        content_type: String,
        prepared: Prepared,
        replayable: bool,
    },
}

impl OutgoingBody {
    /// A call's body, ready to send: a form or a file has its files opened and its
    /// length known before anything is sent.
    pub(crate) async fn new(
        body: Option<CallBody>,
        operation: &Operation,
    ) -> Result<OutgoingBody, Error> {
        Ok(match body {
            None => OutgoingBody::None,
            Some(CallBody::Bytes {
                content_type,
                bytes,
            }) => OutgoingBody::Bytes {
                content_type,
                bytes,
            },
            Some(CallBody::Upload(files)) => Self::prepare(*files)
                .await
                .map_err(|problem| upload::invalid(operation.name, problem))?,
        })
    }

    async fn prepare(files: Upload) -> Result<OutgoingBody, String> {
        Ok(match files {
            Upload::Form { content_type, form } => {
                let boundary = upload::boundary();
                OutgoingBody::Streamed {
                    content_type: format!("{content_type}; boundary={boundary}"),
                    prepared: Prepared::form(&form, &boundary).await?,
                    replayable: form.replayable(),
                }
            }
            Upload::File { content_type, part } => OutgoingBody::Streamed {
                content_type,
                prepared: Prepared::file(&part).await?,
                replayable: part.replayable(),
            },
        })
    }

    /// Whether the body can be sent again, for a retry.
    pub(crate) fn replayable(&self) -> bool {
        match self {
            OutgoingBody::Streamed { replayable, .. } => *replayable,
            _ => true,
        }
    }

    /// The `Content-Type` header value.
    pub(crate) fn content_type_value(
        &self,
        operation: &Operation,
    ) -> Result<Option<http::HeaderValue>, Error> {
        self.content_type()
            .map(|value| header_value(operation.name, "Content-Type", value))
            .transpose()
    }

    /// The body's content type, as sent and as the signer reads it.
    pub(crate) fn content_type(&self) -> Option<&str> {
        match self {
            OutgoingBody::None => None,
            OutgoingBody::Bytes { content_type, .. } => Some(content_type),
            OutgoingBody::Streamed { content_type, .. } => Some(content_type),
        }
    }

    /// The body as the signer sees it.
    pub(crate) fn payload(&self) -> Payload<'_> {
        match self {
            OutgoingBody::None => Payload::Bytes(&[]),
            OutgoingBody::Bytes { bytes, .. } => Payload::Bytes(bytes),
            OutgoingBody::Streamed { prepared, .. } => Payload::Streamed {
                empty: prepared.is_empty(),
            },
        }
    }

    /// The `Content-Length` of a streamed body, when it is known.
    pub(crate) fn streamed_length(&self) -> Option<u64> {
        match self {
            OutgoingBody::Streamed { prepared, .. } => prepared.length(),
            _ => None,
        }
    }

    /// The body of one attempt's request.
    pub(crate) fn body(&self) -> Option<reqwest::Body> {
        match self {
            OutgoingBody::None => None,
            OutgoingBody::Bytes { bytes, .. } => Some(reqwest::Body::from(bytes.clone())),
            OutgoingBody::Streamed { prepared, .. } => Some(prepared.body()),
        }
    }
}
