//! How a call's values are written on the wire, as the official SDK writes them: query
//! values and their order, form-urlencoded bodies, and lists as Python prints them (the
//! SDK formats a dict's list values with `str()`).

use std::cmp::Ordering;

use percent_encoding::utf8_percent_encode;

use crate::signer::ENCODE;

/// A query value. Values are sorted the way the official SDK sorts them (numbers as
/// numbers, text by character), because the query sent must equal the canonical query.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryValue {
    /// Text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A floating-point number.
    Float(f64),
    /// A boolean, sent as `true` or `false`.
    Boolean(bool),
}

impl QueryValue {
    pub(crate) fn render(&self) -> String {
        match self {
            QueryValue::Text(text) => text.clone(),
            QueryValue::Integer(value) => value.to_string(),
            // Python prints whole floats with one decimal (`1.0`); match it.
            QueryValue::Float(value) if value.fract() == 0.0 && value.is_finite() => {
                format!("{value:.1}")
            }
            QueryValue::Float(value) => value.to_string(),
            QueryValue::Boolean(value) => value.to_string(),
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            QueryValue::Integer(value) => Some(*value as f64),
            QueryValue::Float(value) => Some(*value),
            QueryValue::Boolean(value) => Some(f64::from(u8::from(*value))),
            QueryValue::Text(_) => None,
        }
    }

    fn sort_cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (QueryValue::Text(left), QueryValue::Text(right)) => left.cmp(right),
            (QueryValue::Integer(left), QueryValue::Integer(right)) => left.cmp(right),
            _ => match (self.number(), other.number()) {
                (Some(left), Some(right)) => left.total_cmp(&right),
                // Text against a number: the SDK cannot sort these at all; numbers first.
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        }
    }
}

macro_rules! query_value_from {
    ($($source:ty => $variant:ident($convert:expr)),* $(,)?) => {
        $(impl From<$source> for QueryValue {
            fn from(value: $source) -> Self {
                QueryValue::$variant($convert(value))
            }
        })*
    };
}

query_value_from! {
    String => Text(|value| value),
    &str => Text(str::to_owned),
    i32 => Integer(i64::from),
    i64 => Integer(|value| value),
    f32 => Float(f64::from),
    f64 => Float(|value| value),
    bool => Boolean(|value| value),
}

/// What Python's `quote_plus` leaves as it is: letters, digits and `_.-~` (a space becomes
/// `+` apart from this set).
const FORM_ENCODE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~');

/// The form-urlencoded text of a JSON object of scalars and arrays of scalars.
pub(crate) fn url_encoded(value: &serde_json::Value) -> Result<String, String> {
    use serde_json::Value;
    let serde_json::Value::Object(fields) = value else {
        return Err("the body is not an object".into());
    };
    let encode = |text: &str| {
        utf8_percent_encode(text, FORM_ENCODE)
            .to_string()
            .replace("%20", "+")
    };
    // The SDK writes a field's own boolean as `true`/`false`, but leaves an array's items
    // to Python's `str()`, which writes `True`/`False`.
    let scalar = |name: &str, value: &Value, in_array: bool| match value {
        Value::String(text) => Ok(text.clone()),
        Value::Bool(flag) if in_array => Ok(python_bool(*flag).to_owned()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Number(number) => Ok(number.to_string()),
        _ => Err(format!(
            "`{name}` is neither a scalar nor an array of scalars"
        )),
    };
    let mut pairs = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    pairs.push(format!(
                        "{}={}",
                        encode(name),
                        encode(&scalar(name, item, true)?)
                    ));
                }
            }
            other => pairs.push(format!(
                "{}={}",
                encode(name),
                encode(&scalar(name, other, false)?)
            )),
        }
    }
    Ok(pairs.join("&"))
}

/// A boolean as Python's `str()` writes it.
fn python_bool(flag: bool) -> &'static str {
    if flag {
        "True"
    } else {
        "False"
    }
}

/// A value as Python's `str()` writes it, which is how the SDK writes a dict's values in a
/// query: text as it is, `True`/`False`, numbers as the query writes them.
pub(crate) fn python_display(value: &QueryValue) -> String {
    match value {
        QueryValue::Boolean(flag) => python_bool(*flag).to_owned(),
        other => other.render(),
    }
}

/// A list as Python's `str()` prints it: `['a', 'b']`, `[1, 2]`, `[True, False]`, `[1.5]`.
pub(crate) fn python_list(values: &[QueryValue]) -> String {
    let items: Vec<String> = values
        .iter()
        .map(|value| match value {
            QueryValue::Text(text) => python_str(text),
            other => python_display(other),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// A string as Python's `repr()` writes it: in single quotes, or double quotes when it
/// holds a single quote and no double one; backslashes, the quote, and control characters
/// escaped.
fn python_str(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for character in text.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ if character == quote => {
                out.push('\\');
                out.push(character);
            }
            _ if (character as u32) < 0x20 || character as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", character as u32));
            }
            _ => out.push(character),
        }
    }
    out.push(quote);
    out
}

/// The query string of a call: sorted as the official SDK sorts it, each name and value
/// encoded as it is signed.
pub(crate) fn render_query(query: &mut [(&'static str, QueryValue)]) -> String {
    query.sort_by(|left, right| left.0.cmp(right.0).then_with(|| left.1.sort_cmp(&right.1)));
    let mut out = String::new();
    for (name, value) in query.iter() {
        if !out.is_empty() {
            out.push('&');
        }
        out.extend(utf8_percent_encode(name, ENCODE));
        out.push('=');
        out.extend(utf8_percent_encode(&value.render(), ENCODE));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes the official Python SDK (3.1.219) sent for IAM's
    /// `CreateUnscopeTokenByIdpInitiated` and for a body of every scalar kind, captured on a
    /// loopback recorder.
    #[test]
    fn form_urlencoded_bodies_are_the_official_sdks_bytes() {
        let saml = serde_json::json!({"SAMLResponse": "PHNh+bWw/Pg== a&b"});
        assert_eq!(
            url_encoded(&saml).unwrap(),
            "SAMLResponse=PHNh%2BbWw%2FPg%3D%3D+a%26b"
        );
        let kinds = serde_json::json!({"a": true, "n": 5, "l": ["x", "y"], "none": null});
        assert_eq!(url_encoded(&kinds).unwrap(), "a=true&n=5&l=x&l=y");
        // Not captured, read from the SDK's `_parse_form_urlencoded_body`: it lowercases a
        // field's own boolean, and `urlencode` writes an array's with Python's `str()`.
        let flags = serde_json::json!({"one": false, "many": [true, false]});
        assert_eq!(
            url_encoded(&flags).unwrap(),
            "one=false&many=True&many=False"
        );
        let odd = serde_json::json!({"k ey": "~_.-*é%20"});
        assert_eq!(url_encoded(&odd).unwrap(), "k+ey=~_.-%2A%C3%A9%2520");
        let nested = serde_json::json!({"o": {"a": 1}});
        assert!(url_encoded(&nested).unwrap_err().contains("`o`"));
        let deep = serde_json::json!({"l": [[1]]});
        assert!(url_encoded(&deep).is_err());
    }
}
