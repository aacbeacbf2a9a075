//! The checks of a received request: its signature (or token) as the API gateway checks
//! it, its route among the described operations, and its parameters and body against
//! their schemas.

use serde_json::Value;

use super::description::{resolve, BodySpec, Description, OperationSpec, Schema};
use super::state::State;
use super::{decode_pairs, RecordedRequest};
use crate::signer;

/// A routed operation and its decoded path values.
pub(super) type Routed<'d> = (&'d OperationSpec, Vec<(String, String)>);

/// Verifies the request as the gateway does: recomputes the signature over the headers the
/// `Authorization` header names, from the request as received.
pub(super) fn authenticate(state: &State, request: &RecordedRequest) -> Result<(), String> {
    if let (Some(expected), Some(given)) = (&state.token, request.header("x-auth-token")) {
        return if expected == given {
            Ok(())
        } else {
            Err("token mismatch".into())
        };
    }
    let authorization = request
        .header("authorization")
        .ok_or("no Authorization header")?;
    let (name, rest) = authorization
        .split_once(' ')
        .ok_or("malformed Authorization header")?;
    let mut access = None;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(", ") {
        match part.split_once('=') {
            Some(("Access", value)) => access = Some(value),
            Some(("Credential", value)) => credential = Some(value),
            Some(("SignedHeaders", value)) => signed_headers = Some(value),
            Some(("Signature", value)) => signature = Some(value),
            _ => {}
        }
    }
    let date = request.header("x-sdk-date").ok_or("no X-Sdk-Date header")?;
    let (scheme, access) = match (name, credential) {
        // V11: `Credential=<AK>/<YYYYMMDD>/<region>/<service>`, the day that of X-Sdk-Date.
        ("V11-HMAC-SHA256", Some(credential)) => {
            let mut parts = credential.splitn(4, '/');
            let (Some(access), Some(day), Some(region), Some(service)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err("malformed V11 credential scope".into());
            };
            if !date.starts_with(day) {
                return Err("the credential scope's day is not X-Sdk-Date's".into());
            }
            let scheme = signer::Scheme::Derived {
                region: region.to_owned(),
                service: service.to_owned(),
            };
            (scheme, access)
        }
        _ => {
            let algorithm = [
                signer::SigningAlgorithm::HmacSha256,
                signer::SigningAlgorithm::HmacSm3,
                signer::SigningAlgorithm::EcdsaP256Sha256,
                signer::SigningAlgorithm::Sm2Sm3,
            ]
            .into_iter()
            .find(|algorithm| algorithm.name() == name)
            .ok_or("unknown algorithm")?;
            let access = access.ok_or("malformed Authorization header")?;
            (signer::Scheme::Algorithm(algorithm), access)
        }
    };
    let (signed_headers, signature) = signed_headers
        .zip(signature)
        .ok_or("malformed Authorization header")?;
    let secret_key = secret_for(state, access, request)?;
    check_date(date)?;
    let mut headers = Vec::new();
    for name in signed_headers.split(';') {
        let value = request
            .header(name)
            .ok_or_else(|| format!("signed header `{name}` is missing"))?;
        headers.push((name.to_owned(), value.to_owned()));
    }
    let digest = scheme.digest();
    let unsigned = request.header(digest.content_header()) == Some("UNSIGNED-PAYLOAD");
    let payload_hash =
        signer::payload_hash(digest, unsigned, signer::Payload::Bytes(&request.body));
    let prepared = signer::prepare(
        &scheme,
        &request.method,
        &request.path,
        &request.query,
        &headers,
        &payload_hash,
    );
    let expected_before_signature = signer::authorization(&scheme, access, &prepared, "");
    if !authorization.starts_with(&expected_before_signature) {
        return Err("signed headers mismatch".into());
    }
    match signer::verify(&scheme, access, &secret_key, &prepared, signature) {
        Ok(true) => Ok(()),
        Ok(false) => Err("signature mismatch".into()),
        Err(error) => Err(error.to_string()),
    }
}

/// The secret key of an access key: the mock's own, or that of temporary credentials its
/// identity services issued, which also need their security token and must not have
/// expired.
fn secret_for(state: &State, access: &str, request: &RecordedRequest) -> Result<String, String> {
    if access == state.access_key {
        return Ok(state.secret_key.clone());
    }
    state
        .identity
        .secret_for(access, request.header("x-security-token"))
}

/// The gateway refuses dates more than 15 minutes away from its clock.
fn check_date(date: &str) -> Result<(), String> {
    let parsed = time::PrimitiveDateTime::parse(date, signer::SDK_DATE_FORMAT)
        .map_err(|_| format!("bad X-Sdk-Date `{date}`"))?;
    let skew = (time::OffsetDateTime::now_utc() - parsed.assume_utc()).abs();
    if skew > time::Duration::minutes(15) {
        return Err("X-Sdk-Date too far from the server clock".into());
    }
    Ok(())
}

/// The operations whose method and path template match best, with the decoded path values,
/// in spec order: several only where operations share a path and method (`x-variants`). A
/// literal segment beats a placeholder, so `/items/export` wins over `/items/{id}`.
pub(super) fn route<'d>(
    description: &'d Description,
    request: &RecordedRequest,
) -> Vec<Routed<'d>> {
    let segments: Vec<&str> = request.path.split('/').collect();
    let mut best: Vec<Routed<'d>> = Vec::new();
    let mut best_literals = 0;
    for operation in &description.operations {
        if !operation.method.eq_ignore_ascii_case(&request.method) {
            continue;
        }
        let template: Vec<&str> = operation.path.split('/').collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut literals = 0;
        let mut values = Vec::new();
        let matched = template.iter().zip(&segments).all(|(pattern, segment)| {
            match pattern
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
            {
                Some(name) if !segment.is_empty() => {
                    let value = percent_encoding::percent_decode_str(segment)
                        .decode_utf8_lossy()
                        .into_owned();
                    values.push((name.to_owned(), value));
                    true
                }
                Some(_) => false,
                None => {
                    literals += 1;
                    pattern == segment
                }
            }
        });
        if !matched {
            continue;
        }
        if best.is_empty() || literals > best_literals {
            best = vec![(operation, values)];
            best_literals = literals;
        } else if literals == best_literals && best[0].0.path == operation.path {
            best.push((operation, values));
        }
    }
    best
}

/// Which of the operations sharing a path and method a request is for: the one a test set
/// an answer for, else the first whose checks pass with no property its schemas lack, else
/// the first whose checks pass, else the first (whose checks then say what is wrong).
pub(super) fn choose<'d>(
    description: &'d Description,
    candidates: Vec<Routed<'d>>,
    request: &RecordedRequest,
    has_answer: impl Fn(&str) -> bool,
) -> Option<Routed<'d>> {
    if candidates.len() <= 1 {
        return candidates.into_iter().next();
    }
    let passes =
        |(operation, values): &Routed<'d>| check(description, operation, values, request).is_ok();
    let json = request.json();
    let exact = |(operation, _): &Routed<'d>| match (&operation.body, &json) {
        (Some(body), Some(value)) => !has_unknown_property(description, &body.schema, value, 0),
        _ => true,
    };
    let index = candidates
        .iter()
        .position(|(operation, _)| has_answer(&operation.name))
        .or_else(|| {
            candidates
                .iter()
                .position(|routed| passes(routed) && exact(routed))
        })
        .or_else(|| candidates.iter().position(passes))
        .unwrap_or(0);
    candidates.into_iter().nth(index)
}

/// Whether a JSON value holds a property its schema does not declare (and allows no others
/// for), at any depth.
fn has_unknown_property(
    description: &Description,
    schema: &Schema,
    value: &Value,
    depth: usize,
) -> bool {
    if depth > 64 {
        return false;
    }
    let schema = resolve(description, schema);
    match value {
        Value::Object(object) => object.iter().any(|(name, child)| {
            match schema.properties.get(name).or(schema.additional.as_deref()) {
                Some(child_schema) => {
                    has_unknown_property(description, child_schema, child, depth + 1)
                }
                None => !schema.properties.is_empty(),
            }
        }),
        Value::Array(items) => schema.items.as_deref().is_some_and(|item_schema| {
            items
                .iter()
                .any(|item| has_unknown_property(description, item_schema, item, depth + 1))
        }),
        _ => false,
    }
}

/// Checks a routed request against the operation's parameters and body schema.
pub(super) fn check(
    description: &Description,
    operation: &OperationSpec,
    path_values: &[(String, String)],
    request: &RecordedRequest,
) -> Result<(), String> {
    let query = request.query_pairs();
    for param in &operation.params {
        let values: Vec<&str> = match param.location.as_str() {
            "path" => path_values
                .iter()
                .filter(|(name, _)| *name == param.name)
                .map(|(_, value)| value.as_str())
                .collect(),
            "query" => query
                .iter()
                .filter(|(name, _)| *name == param.name)
                .flat_map(|(_, value)| {
                    // A csv array arrives as one value; check each element.
                    if param.schema.kind.as_deref() == Some("array") {
                        value.split(',').collect::<Vec<_>>()
                    } else {
                        vec![value.as_str()]
                    }
                })
                .collect(),
            _ => request
                .headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case(&param.name))
                .map(|(_, value)| value.as_str())
                .collect(),
        };
        let place = format!("{} parameter `{}`", param.location, param.name);
        if values.is_empty() {
            if param.required {
                return Err(format!("{place} is required"));
            }
            continue;
        }
        let schema = match (&param.schema.kind, &param.schema.items) {
            (Some(kind), Some(items)) if kind == "array" => items,
            _ => &param.schema,
        };
        // A map in the query arrives as `key=value` pairs, the value of a list as Python
        // prints it (not checked further).
        if let Some(entry) = &param.schema.additional {
            for value in values {
                let Some((_, text)) = value.split_once('=') else {
                    return Err(format!("{place}: `{value}` is not a `key=value` map entry"));
                };
                if entry.kind.as_deref() != Some("array") {
                    check_text(description, entry, text)
                        .map_err(|problem| format!("{place}: {problem}"))?;
                }
            }
            continue;
        }
        for value in values {
            check_text(description, schema, value)
                .map_err(|problem| format!("{place}: {problem}"))?;
        }
    }
    match &operation.body {
        None => Ok(()),
        Some(body) if request.body.is_empty() => {
            if body.required {
                Err("the request body is required".into())
            } else {
                Ok(())
            }
        }
        Some(body) => check_body(description, body, request),
    }
}

fn check_body(
    description: &Description,
    body: &BodySpec,
    request: &RecordedRequest,
) -> Result<(), String> {
    let content_type = request.header("content-type").unwrap_or("");
    let essence = |media: &str| {
        media
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    if essence(content_type) != essence(&body.media_type) {
        return Err(format!(
            "expected a `{}` body, got Content-Type `{content_type}`",
            body.media_type
        ));
    }
    if essence(&body.media_type).ends_with("json") {
        let value: Value = serde_json::from_slice(&request.body)
            .map_err(|error| format!("the body is not valid JSON: {error}"))?;
        return check_value(description, &body.schema, &value, "body", 0);
    }
    if essence(&body.media_type) == "application/x-www-form-urlencoded" {
        let schema = resolve(description, &body.schema);
        let text = std::str::from_utf8(&request.body)
            .map_err(|_| "the form-urlencoded body is not UTF-8".to_owned())?;
        let names: Vec<String> = decode_pairs(text, true)
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        if let Some(unknown) = names
            .iter()
            .find(|name| !schema.properties.is_empty() && !schema.properties.contains_key(*name))
        {
            return Err(format!("the form field `{unknown}` is not in the schema"));
        }
        for required in &schema.required {
            if !names.contains(required) {
                return Err(format!("the form field `{required}` is required"));
            }
        }
        return Ok(());
    }
    if essence(&body.media_type) == "multipart/form-data" {
        let names = multipart_names(content_type, &request.body)?;
        for required in &body.schema.required {
            if !names.contains(required) {
                return Err(format!("the form part `{required}` is required"));
            }
        }
    }
    Ok(())
}

/// The part names of a multipart body.
fn multipart_names(content_type: &str, body: &[u8]) -> Result<Vec<String>, String> {
    let boundary = content_type
        .split(';')
        .filter_map(|parameter| parameter.trim().strip_prefix("boundary="))
        .next()
        .map(|boundary| boundary.trim_matches('"'))
        .ok_or("a multipart body without a boundary")?;
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    if !text.starts_with(&delimiter) || !text.trim_end().ends_with(&format!("{delimiter}--")) {
        return Err("the multipart body is not framed by its boundary".into());
    }
    Ok(text
        .split(&delimiter)
        .filter_map(|part| {
            let headers = part.split("\r\n\r\n").next()?;
            let disposition = headers
                .lines()
                .find(|line| line.to_ascii_lowercase().starts_with("content-disposition"))?;
            let name = disposition.split("name=\"").nth(1)?.split('"').next()?;
            Some(name.to_owned())
        })
        .collect())
}

/// Checks a path, query or header value against a scalar schema.
fn check_text(description: &Description, schema: &Schema, value: &str) -> Result<(), String> {
    let schema = resolve(description, schema);
    let ok = match schema.kind.as_deref() {
        Some("integer") => value.parse::<i64>().is_ok(),
        Some("number") => value.parse::<f64>().is_ok(),
        Some("boolean") => value == "true" || value == "false",
        _ => true,
    };
    if !ok {
        return Err(format!(
            "`{value}` is not a valid {}",
            schema.kind.as_deref().unwrap_or("value")
        ));
    }
    if !schema.values.is_empty() && !schema.values.iter().any(|allowed| allowed == value) {
        return Err(format!(
            "`{value}` is not one of {}",
            schema.values.join(", ")
        ));
    }
    Ok(())
}

/// Checks a JSON value against a schema; `at` names the place for the message.
fn check_value(
    description: &Description,
    schema: &Schema,
    value: &Value,
    at: &str,
    depth: usize,
) -> Result<(), String> {
    if depth > 64 {
        return Ok(());
    }
    let schema = resolve(description, schema);
    if value.is_null() {
        return if schema.nullable || schema.kind.is_none() {
            Ok(())
        } else {
            Err(format!("{at}: must not be null"))
        };
    }
    let wrong = |expected: &str| Err(format!("{at}: expected {expected}, found {value}"));
    match schema.kind.as_deref() {
        Some("string") => {
            let Some(text) = value.as_str() else {
                return wrong("a string");
            };
            if !schema.values.is_empty() && !schema.values.iter().any(|allowed| allowed == text) {
                return Err(format!(
                    "{at}: `{text}` is not one of {}",
                    schema.values.join(", ")
                ));
            }
            Ok(())
        }
        Some("integer") if !(value.is_i64() || value.is_u64()) => wrong("an integer"),
        Some("number") if !value.is_number() => wrong("a number"),
        Some("boolean") if !value.is_boolean() => wrong("a boolean"),
        Some("array") => {
            let Some(items) = value.as_array() else {
                return wrong("an array");
            };
            match &schema.items {
                Some(item_schema) => items.iter().enumerate().try_for_each(|(index, item)| {
                    check_value(
                        description,
                        item_schema,
                        item,
                        &format!("{at}[{index}]"),
                        depth + 1,
                    )
                }),
                None => Ok(()),
            }
        }
        Some("object") => {
            let Some(object) = value.as_object() else {
                return wrong("an object");
            };
            for required in &schema.required {
                if !object.contains_key(required) {
                    return Err(format!("{at}.{required}: required property is missing"));
                }
            }
            for (name, child) in object {
                let child_schema = schema.properties.get(name).or(schema.additional.as_deref());
                if let Some(child_schema) = child_schema {
                    check_value(
                        description,
                        child_schema,
                        child,
                        &format!("{at}.{name}"),
                        depth + 1,
                    )?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
