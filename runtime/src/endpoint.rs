//! Where calls go: an endpoint URL, checked once when the client is built, and each
//! call's URL made from it.

use crate::error::{shown, Error};

/// The longest URL a call can have, in bytes (scheme, host, path and query together): the
/// most the `http` crate's `Uri` holds (`u16::MAX - 1`), so the transport cannot send a
/// longer one. A call whose URL is longer fails with
/// [`Error::InvalidRequest`](crate::Error::InvalidRequest) before anything is sent.
pub const MAX_URL_BYTES: usize = u16::MAX as usize - 1;

/// An endpoint URL, with the parts every call uses.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// `host[:port]`, as sent in `Host` and signed.
    pub(crate) host: http::HeaderValue,
    /// A path prefix of the endpoint, without a trailing `/`.
    base_path: String,
    /// The endpoint as parsed: each call's URL is a copy with its path and query set.
    url: reqwest::Url,
}

impl Endpoint {
    /// Parses an endpoint URL; `https://` is added when it has no scheme. An endpoint with
    /// a user name or password is refused, and errors never show them.
    pub(crate) fn parse(endpoint: &str) -> Result<Endpoint, Error> {
        let endpoint = if endpoint.contains("://") {
            endpoint.to_owned()
        } else {
            format!("https://{endpoint}")
        };
        let shown = redacted(&endpoint);
        let url = reqwest::Url::parse(&endpoint)
            .map_err(|error| Error::Config(format!("endpoint `{shown}`: {error}")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::Config(format!(
                "endpoint `{shown}` has a user name or password: an endpoint takes none (give credentials with .credentials(..))"
            )));
        }
        if !matches!(url.scheme(), "http" | "https")
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(Error::Config(format!(
                "endpoint `{shown}` must be an http(s) URL without query or fragment"
            )));
        }
        let host = url
            .host_str()
            .ok_or_else(|| Error::Config(format!("endpoint `{shown}` has no host")))?;
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let host = http::HeaderValue::from_str(&authority)
            .map_err(|_| Error::Config(format!("endpoint `{shown}` has an invalid host")))?;
        let base_path = url.path().trim_end_matches('/').to_owned();
        Ok(Endpoint {
            host,
            base_path,
            url,
        })
    }

    /// The URL of a call to `operation`: the endpoint's path prefix, then `path` and
    /// `query`, which are already encoded as they are signed. The URL must keep them so,
    /// since the signer reads them back from it.
    pub(crate) fn url(
        &self,
        operation: &str,
        path: &str,
        query: &str,
    ) -> Result<reqwest::Url, Error> {
        let path = format!("{}{path}", self.base_path);
        let mut url = self.url.clone();
        url.set_path(&path);
        url.set_query((!query.is_empty()).then_some(query));
        if url.path() != path || url.query().unwrap_or("") != query {
            return Err(Error::InvalidRequest(format!(
                "{operation}: the URL would not carry the path and query as signed"
            )));
        }
        if url.as_str().len() > MAX_URL_BYTES {
            return Err(Error::InvalidRequest(format!(
                "{operation}: the URL would be {} bytes, over the limit of {MAX_URL_BYTES} (a path or query value is too long)",
                url.as_str().len()
            )));
        }
        Ok(url)
    }
}

/// A URL as errors show it, parsed or not: what comes before an `@` in its authority (a
/// user name and password) becomes `***`, and the rest is escaped and cut short.
pub(crate) fn redacted(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(index) => url.split_at(index + 3),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let text = match authority.rfind('@') {
        Some(at) => format!("{scheme}***{}{tail}", &authority[at..]),
        None => url.to_owned(),
    };
    shown(&text)
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.url.as_str().trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_urls_never_show_a_user_or_password() {
        let cases = [
            ("http://user:pw@host:1/path", "http://***@host:1/path"),
            ("https://a@b@host", "https://***@host"),
            ("user:pw@host/x?q=@", "***@host/x?q=@"),
            ("http://host/a@b", "http://host/a@b"),
        ];
        for (url, expected) in cases {
            assert_eq!(redacted(url), expected);
        }
    }
}
