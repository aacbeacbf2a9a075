//! Everything generated code uses, behind one door.
//!
//! Generated files name only `::huaweicloud_sdk_core::codegen::...`, never a third-party
//! crate, so a generated crate needs this crate alone as a dependency. Not meant for
//! hand-written code: what is here may change with the generator.

#[doc(hidden)]
pub use {bytes, http, indexmap, serde, serde_json};

pub use crate::de::{required, string_enum, FieldSeed};
#[cfg(feature = "mock")]
pub use crate::mock::by_name;
pub use crate::{next_item_marker, next_marker, next_offset, next_page, Page, Pages};
pub use crate::{
    BuildError, ByteStream, Call, CallOptions, Client, ClientBuilder, Error, FilePart, Form,
    Operation, QueryValue, RawResponse, Service, ServiceClient, ServiceError, StreamingResponse,
};
