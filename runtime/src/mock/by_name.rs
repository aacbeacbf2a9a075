//! Calls whose request is given field by field as JSON: what a generated crate's
//! `mock::call_by_name` reads its request with, to replay requests recorded from another
//! client (such as the official SDK's vectors) through the generated methods.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::upload::FilePart;

/// A request's fields by name, taken one at a time; a field nobody takes is an error.
#[derive(Debug)]
pub struct Fields {
    operation: String,
    fields: Map<String, Value>,
}

impl Fields {
    /// The fields of `request`, a JSON object, for a call of `operation`.
    pub fn new(operation: &str, request: Value) -> Result<Fields, Error> {
        match request {
            Value::Object(fields) => Ok(Fields {
                operation: operation.to_owned(),
                fields,
            }),
            other => Err(Error::InvalidRequest(format!(
                "{operation}: the request must be a JSON object, got {}",
                kind(&other)
            ))),
        }
    }

    /// Takes the field `name`: `None` when absent or `null`, an error naming it when it
    /// does not decode as `T`.
    pub fn take<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<T>, Error> {
        match self.fields.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => serde_json::from_value(value).map(Some).map_err(|error| {
                Error::InvalidRequest(format!(
                    "{}: field `{name}` does not decode: {error}",
                    self.operation
                ))
            }),
        }
    }

    /// Takes the field `name`, a JSON object, as fields of its own (a form body).
    pub fn nested(&mut self, name: &str) -> Result<Option<Fields>, Error> {
        match self.fields.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => Fields::new(&format!("{}: {name}", self.operation), value).map(Some),
        }
    }

    /// Takes the field `name` as a file part: `{"file_name": "a.txt", "bytes": [104, 105]}`
    /// (`file_name` optional).
    pub fn take_file(&mut self, name: &str) -> Result<Option<FilePart>, Error> {
        match self.fields.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => self.file(name, value).map(Some),
        }
    }

    /// Takes the field `name` as an array of file parts, each as [`take_file`](Self::take_file)
    /// takes one.
    pub fn take_files(&mut self, name: &str) -> Result<Option<Vec<FilePart>>, Error> {
        match self.fields.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(files)) => files
                .into_iter()
                .map(|file| self.file(name, file))
                .collect::<Result<_, _>>()
                .map(Some),
            Some(other) => Err(Error::InvalidRequest(format!(
                "{}: field `{name}` must be an array of files, got {}",
                self.operation,
                kind(&other)
            ))),
        }
    }

    fn file(&self, name: &str, value: Value) -> Result<FilePart, Error> {
        let mut file = Fields::new(&format!("{}: {name}", self.operation), value)?;
        let bytes: Vec<u8> = file.take("bytes")?.unwrap_or_default();
        let file_name: Option<String> = file.take("file_name")?;
        file.finish()?;
        let part = FilePart::from_bytes(bytes);
        Ok(match file_name {
            Some(file_name) => part.file_name(file_name),
            None => part,
        })
    }

    /// Checks that every field was taken: one the operation does not have is an error.
    pub fn finish(self) -> Result<(), Error> {
        if self.fields.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = self.fields.keys().map(String::as_str).collect();
        Err(Error::InvalidRequest(format!(
            "{}: the request has no field named {}",
            self.operation,
            names.join(", ")
        )))
    }
}

/// A response body as JSON.
pub fn to_json<T: Serialize>(value: &T) -> Result<Value, Error> {
    serde_json::to_value(value)
        .map_err(|error| Error::InvalidRequest(format!("the response does not encode: {error}")))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
